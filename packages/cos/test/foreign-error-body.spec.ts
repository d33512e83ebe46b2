import { runForeignErrorBodySuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import "../src/index.js";

runForeignErrorBodySuite("COS", (endpoint) => newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=${endpoint}&location=ap-guangzhou&max_retries=0`));
