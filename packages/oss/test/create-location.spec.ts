import { runCreateLocationSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { endpointRegion } from "../src/addressing.js";
import "../src/index.js";

runCreateLocationSuite(() => startEmulator({ provider: "oss", region: "cn-hangzhou" }), {
  provider: "oss",
  endpointRegion,
  hosts: [
    ["oss-cn-beijing.aliyuncs.com", "cn-beijing"],
    ["oss-cn-shanghai-internal.aliyuncs.com", "cn-shanghai"],
    ["oss-accelerate.aliyuncs.com", undefined],
    ["oss-rg-china-mainland.aliyuncs.com", undefined],
    ["oss.example.com", undefined],
    ["127.0.0.1", undefined],
  ],
  named: { host: "oss-cn-beijing.aliyuncs.com", region: "cn-beijing", other: "cn-hangzhou", alias: "oss-cn-beijing" },
  locationFromEndpoint: true,
  storagerElsewhere: "OSS lists the buckets of every region on any endpoint",
  emulator: { endpoint: "an endpoint that names no region", region: "cn-hangzhou", elsewhere: "cn-beijing", refusal: "names no region" },
});
