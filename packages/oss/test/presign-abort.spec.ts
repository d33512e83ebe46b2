import { runPresignAbortSuite } from "@stowage/behavior-tests";
import "../src/index.js";

runPresignAbortSuite({ type: "oss", name: "presign-bucket", location: "oss-cn-hangzhou" });
