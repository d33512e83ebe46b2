import { runUnranged416Suite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import "../src/index.js";

runUnranged416Suite("cos", (endpoint) => newStorager(`cos://examplebucket-1250000000/?credential=hmac:AK:SK&endpoint=${endpoint}&location=ap-guangzhou&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=2`));
