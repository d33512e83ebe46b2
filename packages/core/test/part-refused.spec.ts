/**
 * A part whose writePart fails with IntegrityMismatch is sent once more. Failing twice, the upload
 * kept for resuming (keepOnFailure) is aborted only when the part may be stored wrong (a mismatch
 * found after the service took the bytes); a service that refused the bytes (BadDigest, a status
 * code) stored nothing, and the parts already uploaded stay for the resume.
 */
import { describe, expect, it } from "@jest/globals";
import { storageError, type StorageError } from "../src/errors/storage-error.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { uploadMultipart } from "../src/multipart/upload-engine.js";
import type { MultipartTarget } from "../src/multipart/upload-types.js";
import type { Part } from "../src/object/object-info.js";

/** What one attempt at the failing part gets: an error, or a part stored with other bytes. */
type Outcome = (() => StorageError) | "wrong-crc";

class Target implements MultipartTarget {
  aborted = 0;
  sends: number[] = [];
  private readonly outcomes: Outcome[];
  constructor(failure: Outcome | Outcome[], private readonly failIndex: number, failures = 1) {
    this.outcomes = Array.isArray(failure) ? [...failure] : Array<Outcome>(failures).fill(failure);
  }
  async create(): Promise<string> {
    return "up-1";
  }
  async writePart(_id: string, index: number, data: Buffer): Promise<Part> {
    this.sends.push(index);
    const outcome = index === this.failIndex ? this.outcomes.shift() : undefined;
    if (typeof outcome === "function") throw outcome();
    return { index, size: data.length, etag: `"e${index}"`, crc64: outcome === "wrong-crc" ? "12345" : crc64Decimal(data) };
  }
  async complete(): Promise<{ crc64?: string }> {
    return {};
  }
  async abort(): Promise<void> {
    this.aborted++;
  }
  async *listParts(): AsyncIterable<Part> {}
}

const body = (): AsyncIterable<Buffer> => (async function* () {
  yield Buffer.alloc(3500, 7);
})();
const options = { partSize: 1000, concurrency: 1, keepOnFailure: true };
const refused = (): StorageError => storageError("IntegrityMismatch", "upload_part: BadDigest", { statusCode: 400 });
const storedWrong = (): StorageError => storageError("IntegrityMismatch", "part 1: the service stored other bytes");

describe("a part that fails with IntegrityMismatch", () => {
  it.each([
    ["refused by the service", refused],
    ["stored wrong", storedWrong],
  ])("is sent once more and the upload completes (%s once)", async (_name, failure) => {
    const t = new Target(failure, 1, 1);
    const result = await uploadMultipart(t, body(), options);
    expect(result.size).toBe(3500);
    expect(t.sends.filter((i) => i === 1)).toHaveLength(2);
    expect(t.aborted).toBe(0);
  });

  it("refused twice: the write fails and the upload is kept for resuming (nothing wrong was stored)", async () => {
    const t = new Target(refused, 1, 2);
    await expect(uploadMultipart(t, body(), options)).rejects.toMatchObject({ code: "IntegrityMismatch", statusCode: 400 });
    expect(t.aborted).toBe(0);
  });

  it("stored wrong twice: the write fails and the upload is aborted even with keepOnFailure", async () => {
    const t = new Target(storedWrong, 1, 2);
    await expect(uploadMultipart(t, body(), options)).rejects.toMatchObject({ code: "IntegrityMismatch" });
    expect(t.aborted).toBe(1);
  });

  it.each([
    ["a CRC-64 that differs, then a refusal", ["wrong-crc", refused]],
    ["stored wrong, then a refusal", [storedWrong, refused]],
    ["a CRC-64 that differs, then a network failure", ["wrong-crc", () => storageError("ServiceInternal", "socket hang up")]],
  ] as Array<[string, Outcome[]]>)("stored wrong once and failing after (%s): the kept upload is aborted (the wrong part is still stored)", async (_name, outcomes) => {
    const t = new Target(outcomes, 1);
    await expect(uploadMultipart(t, body(), options)).rejects.toMatchObject({ name: "StorageError" });
    expect(t.aborted).toBe(1);
  });
});
