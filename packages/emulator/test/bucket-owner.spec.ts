import { afterEach, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator, type EmulatorCredential } from "../src/index.js";
import { cosRequest, errorCode, ossRequest, qsRequest } from "./raw-client.js";

const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };
let emu: Emulator | undefined;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("PUT Bucket on a bucket that exists", () => {
  it("cos: BucketAlreadyOwnedByYou for the access key that created it, BucketAlreadyExists for others and for configured buckets", async () => {
    emu = await startEmulator({ provider: "cos", buckets: ["preset-1250000000"], credentials: [A, B] });
    expect((await cosRequest(emu, { method: "PUT", bucket: "owned-1250000000" })).status).toBe(200);
    const again = await cosRequest(emu, { method: "PUT", bucket: "owned-1250000000" });
    expect([again.status, errorCode(again)]).toEqual([409, "BucketAlreadyOwnedByYou"]);
    const preset = await cosRequest(emu, { method: "PUT", bucket: "preset-1250000000" });
    expect([preset.status, errorCode(preset)]).toEqual([409, "BucketAlreadyExists"]);
    emu.setCredentials([B, A]); // requests are now signed by B
    const other = await cosRequest(emu, { method: "PUT", bucket: "owned-1250000000" });
    expect([other.status, errorCode(other)]).toEqual([409, "BucketAlreadyExists"]);
  });

  it("oss and qingstor: the same answer for everyone (BucketAlreadyExists, bucket_already_exists), as the services give", async () => {
    emu = await startEmulator({ provider: "oss" });
    expect((await ossRequest(emu, { method: "PUT", bucket: "owned-bucket" })).status).toBe(200);
    const oss = await ossRequest(emu, { method: "PUT", bucket: "owned-bucket" });
    expect([oss.status, errorCode(oss)]).toEqual([409, "BucketAlreadyExists"]);
    await emu.stop();
    emu = await startEmulator({ provider: "qingstor" });
    expect((await qsRequest(emu, { method: "PUT", bucket: "owned-bucket" })).status).toBe(201);
    const qs = await qsRequest(emu, { method: "PUT", bucket: "owned-bucket" });
    expect([qs.status, errorCode(qs)]).toEqual([409, "bucket_already_exists"]);
  });
});
