import { runGateway503Suite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

runGateway503Suite(() => startEmulator({ provider: "qingstor", buckets: ["proxy503"] }), { provider: "qingstor", bucket: "proxy503", partSize: 4194304 });
