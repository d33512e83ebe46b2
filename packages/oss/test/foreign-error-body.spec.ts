import { runForeignErrorBodySuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import "../src/index.js";

runForeignErrorBodySuite("OSS", (endpoint) => newStorager(`oss://b-1/?credential=hmac:AK:SK&endpoint=${endpoint}&location=cn-hangzhou&max_retries=0`));
