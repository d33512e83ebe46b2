/**
 * startEmulator refuses what would give a connection string that does not open: a bucket name the
 * provider (and its Stowage driver) refuses. A port in use says so.
 */
import { describe, expect, it } from "@jest/globals";
import { startEmulator } from "../src/index.js";
import { errorCode, qsRequest } from "./raw-client.js";

describe("startEmulator refusals", () => {
  it.each([
    ["qingstor", "test"],
    ["qingstor", "ab-cd"],
    ["oss", "ab"],
    ["oss", "Test_Bucket"],
    ["cos", "-bad-1250000000"],
  ] as const)("%s bucket %j is refused with the provider's rule", async (provider, name) => {
    await expect(startEmulator({ provider, buckets: [name] })).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("not valid on " + provider) });
  });

  it.each([null, undefined, 5, "cos"])("options %p (no object) are refused with InvalidArgument, not a TypeError", async (opts) => {
    await expect(startEmulator(opts as never)).rejects.toMatchObject({ name: "StorageError", code: "InvalidArgument", message: expect.stringContaining("options must be an object") });
  });

  it("a QingStor bucket of 6 characters is fine, and CreateBucket takes the same rule", async () => {
    const emu = await startEmulator({ provider: "qingstor", buckets: ["abcdef"] });
    try {
      const short = await qsRequest(emu, { method: "PUT", bucket: "abcde" });
      expect([short.status, errorCode(short)]).toEqual([400, "invalid_bucket_name"]);
      expect((await qsRequest(emu, { method: "PUT", bucket: "abcdeg" })).status).toBe(201);
    } finally {
      await emu.stop();
    }
  });

  it("a taken port is named as the reason", async () => {
    const first = await startEmulator({ provider: "cos" });
    try {
      await expect(startEmulator({ provider: "cos", port: first.port })).rejects.toMatchObject({ message: expect.stringContaining("EADDRINUSE") });
    } finally {
      await first.stop();
    }
  });
});
