/**
 * Review-concurrent MEDIUM 2: core's check of the parts before Complete (stored-parts.ts) took a
 * part missing from the listing for one never uploaded (`Conflict`, "the upload is kept") also when
 * the listing came out partial because the upload was being aborted (or completed) meanwhile. A part
 * missing is now looked at once more: the upload listed again, its `ObjectNotExist` (no such upload)
 * is the answer; only an upload that is still there makes it `Conflict`.
 */
import { describe, expect, it } from "@jest/globals";
import type { DriverPartsPage, StorageDriver } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { checkStoredParts } from "../src/multipart/stored-parts.js";
import type { Part } from "../src/object/object-info.js";
import { rejection } from "./rejection.js";

const ZERO: Part = { index: 0, size: 4, etag: '"e0"' };
const ONE: Part = { index: 1, size: 3, etag: '"e1"' };

/** A driver whose ListParts answers, call by call, with `pages` (a function: what it throws). */
function listing(pages: (DriverPartsPage | (() => never))[]): { driver: StorageDriver; calls: () => number } {
  let calls = 0;
  const listParts = async (): Promise<DriverPartsPage> => {
    const page = pages[Math.min(calls++, pages.length - 1)]!;
    return typeof page === "function" ? page() : page;
  };
  return { driver: { listParts } as unknown as StorageDriver, calls: () => calls };
}

const gone = (): never => {
  throw storageError(ErrorCode.ObjectNotExist, "no such multipart upload");
};

describe("checkStoredParts: a part missing from the listing", () => {
  it("of an upload aborted or completed while it was listed: ObjectNotExist, not Conflict", async () => {
    const { driver, calls } = listing([{ items: [ZERO] }, gone]);
    const error = await rejection(checkStoredParts(driver, "k", "u", [ZERO, ONE]));
    expect(error.code).toBe(ErrorCode.ObjectNotExist);
    expect(error.message).toContain("no such multipart upload");
    expect(calls()).toBe(2);
  });

  it("of an upload that is still there: Conflict naming the part, as before", async () => {
    const { driver, calls } = listing([{ items: [ZERO] }]);
    const error = await rejection(checkStoredParts(driver, "k", "u", [ZERO, ONE]));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.message).toContain("part 1 was not uploaded to this upload");
    expect(calls()).toBe(2);
  });

  it("none missing: one listing, no second look", async () => {
    const { driver, calls } = listing([{ items: [ZERO, ONE] }]);
    const { parts } = await checkStoredParts(driver, "k", "u", [ZERO, ONE]);
    expect(parts).toEqual([ZERO, ONE]);
    expect(calls()).toBe(1);
  });

  it("a part unlike the uploaded one is Conflict without a second look (the upload answered the listing)", async () => {
    const { driver, calls } = listing([{ items: [ZERO, { ...ONE, size: 9 }] }]);
    expect((await rejection(checkStoredParts(driver, "k", "u", [ZERO, ONE]))).code).toBe(ErrorCode.Conflict);
    expect(calls()).toBe(1);
  });
});
