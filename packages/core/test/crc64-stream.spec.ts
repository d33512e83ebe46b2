import { describe, expect, it } from "@jest/globals";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isStorageError } from "../src/errors/storage-error.js";
import { Crc64PassThrough } from "../src/integrity/crc64-stream.js";

function sink(into: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      into.push(chunk);
      done();
    },
  });
}

const parts = ["12345", "678", "9"].map((s) => Buffer.from(s));

describe("Crc64PassThrough", () => {
  it("passes bytes unchanged and reports crc64 and bytes", async () => {
    const out: Buffer[] = [];
    const check = new Crc64PassThrough();
    await pipeline(Readable.from(parts), check, sink(out));
    expect(Buffer.concat(out).toString()).toBe("123456789");
    expect(check.crc64).toBe("11051210869376104954");
    expect(check.bytes).toBe(9);
  });

  it("ends cleanly when the expected CRC matches", async () => {
    const check = new Crc64PassThrough({ expected: "11051210869376104954" });
    await pipeline(Readable.from(parts), check, sink([]));
    expect(check.bytes).toBe(9);
  });

  it("errors with IntegrityMismatch instead of ending on a mismatch", async () => {
    const check = new Crc64PassThrough({ expected: "1" });
    let ended = false;
    check.on("end", () => (ended = true));
    const failure = await pipeline(Readable.from(parts), check, sink([])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStorageError(failure, "IntegrityMismatch")).toBe(true);
    expect((failure as Error).message).toContain("crc64 mismatch: expected 1, got 11051210869376104954");
    expect(ended).toBe(false);
  });

  it("uses the onMismatch error", async () => {
    const custom = new Error("custom");
    const check = new Crc64PassThrough({ expected: "0", onMismatch: (actual) => ((custom.message = actual), custom) });
    await expect(pipeline(Readable.from(parts), check, sink([]))).rejects.toBe(custom);
    expect(custom.message).toBe("11051210869376104954");
  });

  it("hashes an empty stream to 0", async () => {
    const check = new Crc64PassThrough({ expected: "0" });
    await pipeline(Readable.from([]), check, sink([]));
    expect(check.crc64).toBe("0");
    expect(check.bytes).toBe(0);
  });
});
