import { runCreateLocationSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { endpointRegion } from "../src/addressing.js";
import "../src/index.js";

runCreateLocationSuite(() => startEmulator({ provider: "cos", region: "ap-guangzhou" }), {
  provider: "cos",
  endpointRegion,
  hosts: [
    ["cos.ap-beijing.myqcloud.com", "ap-beijing"],
    ["cos.ap-guangzhou.tencentcos.cn", "ap-guangzhou"],
    ["cos-internal.ap-shanghai.tencentcos.cn", "ap-shanghai"],
    ["cn-south.myqcloud.com", "cn-south"],
    ["cos.accelerate.myqcloud.com", undefined],
    ["service.cos.myqcloud.com", undefined],
    ["cos.example.com", undefined],
    ["127.0.0.1", undefined],
  ],
  named: { host: "cos.ap-beijing.myqcloud.com", region: "ap-beijing", other: "ap-guangzhou" },
  locationFromEndpoint: true,
  storagerElsewhere: "a servicer's listing names buckets of other regions",
  bucket: (stem) => `${stem}-1250000000`,
  emulator: { endpoint: "an endpoint that names no region", region: "ap-guangzhou", elsewhere: "ap-beijing", refusal: "names no region" },
});
