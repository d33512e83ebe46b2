import { runGateway503Suite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

runGateway503Suite(() => startEmulator({ provider: "cos", buckets: ["proxy503-1250000000"] }), { provider: "cos", bucket: "proxy503-1250000000", partSize: 1048576 });
