import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { isMissingBucket } from "../src/errors.js";

let emulator: Emulator;
let present: Storager;
let missing: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: ["bucket-here"] });
  present = newStorager(emulator.connectionString("bucket-here", "/"));
  missing = newStorager(emulator.connectionString("bucket-gone", "/"));
});
afterAll(async () => {
  await emulator.stop();
});

describe("qingstor: a bucket that does not exist is not an object already gone", () => {
  it("delete of a missing key succeeds, but delete in a missing bucket fails with ObjectNotExist", async () => {
    await present.delete("never-written.txt");
    const error = await missing.delete("a.txt").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ObjectNotExist" });
    expect(isMissingBucket(error)).toBe(true);
  });

  it("aborting an upload in a missing bucket fails; aborting one already gone succeeds", async () => {
    const { multipartId } = await present.createMultipart("up.bin");
    await present.delete("up.bin", { multipartId: multipartId! });
    await present.delete("up.bin", { multipartId: multipartId! });
    const error = await missing.delete("up.bin", { multipartId: multipartId! }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ObjectNotExist" });
    expect(isMissingBucket(error)).toBe(true);
  });
});
