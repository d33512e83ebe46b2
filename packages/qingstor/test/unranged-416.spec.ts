import { runUnranged416Suite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import "../src/index.js";

runUnranged416Suite("qingstor", (endpoint) => newStorager(`qingstor://examplebucket/?credential=hmac:AK:SK&endpoint=${endpoint}&location=pek3b&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=2`));
