import { runForeignErrorBodySuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import "../src/index.js";

runForeignErrorBodySuite("QingStor", (endpoint) => newStorager(`qingstor://examplebucket/?credential=hmac:AK:SK&endpoint=${endpoint}&location=pek3b&max_retries=0`));
