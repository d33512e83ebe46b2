/**
 * completeMultipart's part count (review-bounds L4): QingStor numbers parts 0..10000, so an upload
 * another tool made may hold 10,001 parts and completeMultipart takes them
 * (`limits.completePartsMaximum`); 10,002 is `InvalidArgument` naming the limit before any request,
 * where it was a ListParts and then a `Conflict` about another part.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomUUID } from "node:crypto";
import type { Part, Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { qingstorLimits } from "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";

const BUCKET = "part-count";
const MiB = 1024 * 1024;

let emu: Emulator;
let store: Storager;

beforeAll(async () => {
  emu = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  store = emulatorStorager(emu, BUCKET, `/${randomUUID()}/`);
});

afterAll(async () => {
  await emu.stop();
});

const fabricated = (count: number): Part[] => Array.from({ length: count }, (_, index) => ({ index, size: 4 * MiB, etag: `"${index}"` }));

describe("QingStor completeMultipart part count", () => {
  it("limits: 10,000 parts written, 10,001 completed", () => {
    expect([qingstorLimits.multipartNumberMaximum, qingstorLimits.completePartsMaximum]).toEqual([10_000, 10_001]);
  });

  it("10,002 parts: InvalidArgument naming the 10,001-part limit, nothing sent", async () => {
    const upload = await store.createMultipart("over");
    emu.resetStats();
    await expect(store.completeMultipart(upload, fabricated(10_002))).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("10002 parts is more than the 10001-part limit of one upload"),
    });
    expect(emu.stats().byOperation).toEqual({});
  });

  it("10,001 parts pass the count: the upload's parts are listed (a part not uploaded is then Conflict)", async () => {
    const upload = await store.createMultipart("at-limit");
    emu.resetStats();
    await expect(store.completeMultipart(upload, fabricated(10_001))).rejects.toMatchObject({ code: "Conflict" });
    // The second listing finds the upload still there: the part is missing, not the upload gone.
    expect(emu.stats().byOperation).toEqual({ ListParts: 2 });
  });
});
