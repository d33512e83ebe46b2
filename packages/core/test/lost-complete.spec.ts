import { describe, expect, it } from "@jest/globals";
import { judgeLostComplete, type LostCompleteLook } from "../src/driver/overwrite-judgement.js";
import type { RawObject } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";

const notFound = (serviceCode?: string) => storageError(ErrorCode.ObjectNotExist, `complete_multipart_upload: ${serviceCode ?? "HTTP 404"}`, { statusCode: 404, ...(serviceCode ? { serviceCode } : {}) });

/** A look whose HEAD shows `object` (or fails with `failure`), counting the HEADs. */
function look(object: RawObject | undefined, extra: Partial<LostCompleteLook> = {}, failure = storageError(ErrorCode.ObjectNotExist, "head_object: HTTP 404")) {
  const seen = { heads: 0 };
  const l: LostCompleteLook = {
    uploadGoneCode: "NoSuchUpload",
    head: async () => {
      seen.heads++;
      if (object === undefined) throw failure;
      return object;
    },
    ...extra,
  };
  return { look: l, seen };
}

const OBJECT: RawObject = { key: "k", mode: "file", size: 8, etag: '"abc-2"', crc64: "12345" };

describe("judgeLostComplete", () => {
  it("a retry that finds the upload gone and exactly the parts' object succeeds, with its ETag and CRC-64", async () => {
    const { look: l } = look(OBJECT);
    await expect(judgeLostComplete(notFound("NoSuchUpload"), true, { size: 8, crc64: "12345" }, l)).resolves.toEqual({ etag: '"abc-2"', crc64: "12345" });
  });

  it("keeps the 404 without a HEAD on a first attempt, another code, or nothing to compare", async () => {
    for (const [error, retried, expected] of [
      [notFound("NoSuchUpload"), false, { size: 8, crc64: "12345" }],
      [notFound("NoSuchBucket"), true, { size: 8, crc64: "12345" }],
      [notFound(undefined), true, { size: 8, crc64: "12345" }],
      [notFound("NoSuchUpload"), true, undefined],
    ] as const) {
      const { look: l, seen } = look(OBJECT);
      await expect(judgeLostComplete(error, retried, expected, l)).rejects.toBe(error);
      expect(seen.heads).toBe(0);
    }
  });

  it("keeps the 404 for another object: size, CRC-64, none, no CRC-64, or not of the completed kind", async () => {
    const error = notFound("NoSuchUpload");
    const cases: Array<[RawObject | undefined, Partial<LostCompleteLook>]> = [
      [{ ...OBJECT, size: 9 }, {}],
      [{ ...OBJECT, crc64: "54321" }, {}],
      [undefined, {}],
      [{ key: "k", mode: "file", size: 8 }, {}],
      [{ ...OBJECT, system: { objectType: "Appendable" } }, { completedKind: (o) => o.system?.["objectType"] === "Multipart" }],
    ];
    for (const [object, extra] of cases) {
      const { look: l, seen } = look(object, extra);
      await expect(judgeLostComplete(error, true, { size: 8, crc64: "12345" }, l)).rejects.toBe(error);
      expect(seen.heads).toBe(1);
    }
  });

  it("compares an expected ETag without quotes, W/ or case (QingStor: the ETag Complete sent)", async () => {
    const error = notFound("upload_not_exists");
    const extra = { uploadGoneCode: "upload_not_exists", completedKind: (o: RawObject) => o.mode === "file" };
    const weak = look({ key: "k", mode: "file", size: 8, etag: 'W/"ABC-2"' }, extra).look;
    await expect(judgeLostComplete(error, true, { size: 8, etag: '"abc-2"' }, weak)).resolves.toEqual({ etag: 'W/"ABC-2"' });
    for (const object of [{ key: "k", mode: "file", size: 8, etag: '"abd-2"' }, { key: "k", mode: "file", size: 7, etag: '"abc-2"' }, { key: "k", mode: "append", size: 8, etag: '"abc-2"' }] as RawObject[]) {
      await expect(judgeLostComplete(error, true, { size: 8, etag: '"abc-2"' }, look(object, extra).look)).rejects.toBe(error);
    }
  });

  it("rethrows an abort of the HEAD; any other failure of it keeps the 404", async () => {
    const aborted = storageError(ErrorCode.Aborted, "aborted");
    await expect(judgeLostComplete(notFound("NoSuchUpload"), true, { size: 8, crc64: "12345" }, look(undefined, {}, aborted).look)).rejects.toBe(aborted);
    const error = notFound("NoSuchUpload");
    const denied = storageError(ErrorCode.PermissionDenied, "head_object: HTTP 403");
    await expect(judgeLostComplete(error, true, { size: 8, crc64: "12345" }, look(undefined, {}, denied).look)).rejects.toBe(error);
  });
});
