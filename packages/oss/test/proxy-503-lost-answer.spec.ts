import { runGateway503Suite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

runGateway503Suite(() => startEmulator({ provider: "oss", buckets: ["proxy503"] }), { provider: "oss", bucket: "proxy503", partSize: 262144 });
