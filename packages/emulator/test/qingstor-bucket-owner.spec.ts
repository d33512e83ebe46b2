import { afterEach, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator, type EmulatorCredential } from "../src/index.js";
import { qsRequest } from "./raw-client.js";

const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };
let emu: Emulator | undefined;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/** The names GET Service lists to the emulator's first credential, and the `count` it reports. */
async function listed(e: Emulator): Promise<{ names: string[]; count: number }> {
  const res = await qsRequest(e, { method: "GET", bucket: "" });
  expect(res.status).toBe(200);
  const doc = JSON.parse(res.body) as { count: number; buckets: { name: string }[] };
  return { names: doc.buckets.map((b) => b.name).sort(), count: doc.count };
}

describe("qingstor: buckets of other access keys", () => {
  it("GET Service lists the caller's own buckets (and those created at start); HeadBucket answers another key's bucket as a public-read one (200)", async () => {
    emu = await startEmulator({ provider: "qingstor", buckets: ["preset-bucket"], credentials: [A, B] });
    expect((await qsRequest(emu, { method: "PUT", bucket: "bucket-of-a" })).status).toBe(201);
    emu.setCredentials([B, A]); // requests are now signed by B
    expect((await qsRequest(emu, { method: "PUT", bucket: "bucket-of-b" })).status).toBe(201);
    expect(await listed(emu)).toEqual({ names: ["bucket-of-b", "preset-bucket"], count: 2 });
    expect((await qsRequest(emu, { method: "HEAD", bucket: "bucket-of-a" })).status).toBe(200);
    emu.setCredentials([A, B]);
    expect(await listed(emu)).toEqual({ names: ["bucket-of-a", "preset-bucket"], count: 2 });
    expect((await qsRequest(emu, { method: "HEAD", bucket: "bucket-of-b" })).status).toBe(200);
    expect((await qsRequest(emu, { method: "HEAD", bucket: "never-created" })).status).toBe(404);
  });
});
