import { runPresignAbortSuite } from "@stowage/behavior-tests";
import "../src/index.js";

runPresignAbortSuite({ type: "cos", name: "presign-1250000000", location: "ap-guangzhou" });
