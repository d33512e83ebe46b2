import { runUnranged416Suite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import "../src/index.js";

runUnranged416Suite("oss", (endpoint) => newStorager(`oss://examplebucket/?credential=hmac:AK:SK&endpoint=${endpoint}&location=oss-cn-hangzhou&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=2`));
