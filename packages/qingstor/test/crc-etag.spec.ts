import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { combinedCrc64, completeEtag, crc64Etag, crc64OfEtag, multipartEtag } from "../src/etag.js";
import "../src/index.js";
import { writtenParts } from "../../core/src/multipart/written-parts.js";

// Multipart objects Stowage completes on QingStor carry their CRC-64 in the ETag Complete stores
// ("<crc hex><check hex>-N"): stat and list report it, and whole reads are checked against it.

const BUCKET = "crc-etag";
const MiB = 1024 * 1024;
const TUNING = "&multipart_threshold=5MiB&part_size=4MiB&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
let emulator: Emulator;
let store: Storager;
/** The store's work_dir as a key prefix ("<uuid>/"). */
const WORK = `${randomUUID()}/`;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
const md5 = (b: Buffer): string => createHash("md5").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  store = newStorager(`${emulator.connectionString(BUCKET, `/${WORK}`)}${TUNING}`);
});
afterAll(async () => {
  await emulator.stop();
});
afterEach(() => {
  emulator.setFaults([]);
});

describe("qingstor CRC ETag format", () => {
  it("round-trips a CRC-64 and a part count, whatever the quotes, W/ or case", () => {
    for (const crc of ["0", "1", "11051210869376104954", String((1n << 64n) - 1n)]) {
      for (const parts of [1, 2, 10_000]) {
        const etag = crc64Etag(crc, parts);
        expect(etag).toMatch(new RegExp(`^"[0-9a-f]{32}-${parts}"$`));
        expect(crc64OfEtag(etag)).toBe(crc);
        expect(crc64OfEtag(etag.toUpperCase())).toBe(crc);
        expect(crc64OfEtag(etag.slice(1, -1))).toBe(crc);
        expect(crc64OfEtag(`W/${etag}`)).toBe(crc);
      }
    }
  });

  it("never takes an MD5-of-MD5s ETag, a plain MD5 or a tampered CRC ETag for one", () => {
    // 2,000 genuine S3-style multipart ETags: each passes by accident with a chance of 2^-64.
    for (let i = 0; i < 2_000; i++) {
      const parts = Array.from({ length: 1 + (i % 7) }, () => ({ etag: `"${md5(randomBytes(16))}"` }));
      expect(crc64OfEtag(multipartEtag(parts))).toBeUndefined();
    }
    expect(crc64OfEtag(`"${md5(Buffer.from("x"))}"`)).toBeUndefined();
    const etag = crc64Etag("12345", 3);
    expect(crc64OfEtag(etag.replace("-3", "-4"))).toBeUndefined();
    const flipped = etag.slice(0, 5) + (etag[5] === "0" ? "1" : "0") + etag.slice(6);
    expect(crc64OfEtag(flipped)).toBeUndefined();
    expect(crc64OfEtag(undefined)).toBeUndefined();
    expect(crc64OfEtag('"abc-2"')).toBeUndefined();
  });

  it("Complete's ETag is a CRC ETag when every part has a CRC-64, else the MD5 of MD5s", () => {
    const a = randomBytes(1000);
    const b = randomBytes(77);
    const parts = [
      { etag: `"${md5(a)}"`, size: a.length, crc64: crc64Decimal(a) },
      { etag: `"${md5(b)}"`, size: b.length, crc64: crc64Decimal(b) },
    ];
    expect(combinedCrc64(parts)).toBe(crc64Decimal(Buffer.concat([a, b])));
    expect(crc64OfEtag(completeEtag(parts))).toBe(crc64Decimal(Buffer.concat([a, b])));
    const withoutCrc = parts.map(({ etag, size }) => ({ etag, size }));
    expect(completeEtag(withoutCrc)).toBe(multipartEtag(withoutCrc));
    expect(crc64OfEtag(completeEtag(withoutCrc, "42"))).toBe("42");
  });
});

describe("qingstor multipart objects on the emulator", () => {
  it("a multipart write stores a CRC ETag: the write, stat and list report its CRC-64", async () => {
    const data = randomBytes(9 * MiB + 5);
    const written = await store.write("w/big", data);
    expect(written.parts).toBe(3);
    expect(written.etag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(crc64OfEtag(written.etag)).toBe(crc64Decimal(data));
    expect((await store.stat("w/big")).crc64).toBe(crc64Decimal(data));
    const listed = (await store.listPage("w/", { limit: 10 })).items.find((o) => o.path === "w/big");
    expect(listed?.crc64).toBe(crc64Decimal(data));
    expect(sha(await store.read("w/big"))).toBe(sha(data));
  });

  it.each([{}, { readConcurrency: 4, readPartSize: 4 * MiB }])("a whole read of a multipart object with a byte flipped on the wire fails with IntegrityMismatch (%j)", async (opts) => {
    const data = randomBytes(9 * MiB + 5);
    await store.write("r/flip", data);
    emulator.setFaults([{ kind: "flip-byte", operation: "GetObject", count: 1 }]);
    await expect(store.read("r/flip", opts)).rejects.toMatchObject({ code: "IntegrityMismatch" });
    emulator.setFaults([]);
    expect(sha(await store.read("r/flip", opts))).toBe(sha(data));
  });

  it("a whole read whose body is reset midway is resumed and delivers the right bytes", async () => {
    const data = randomBytes(9 * MiB + 5);
    await store.write("r/reset", data);
    emulator.setFaults([{ kind: "reset", operation: "GetObject", count: 1 }]);
    emulator.resetStats();
    expect(sha(await store.read("r/reset"))).toBe(sha(data));
    expect(emulator.stats().faultsByKind["reset"]).toBe(1);
    expect(emulator.stats().byOperation["GetObject"]).toBe(2);
  });

  it("a whole read resumed after a reset is checked across its pieces: a byte flipped in the resumed piece fails with IntegrityMismatch", async () => {
    const data = randomBytes(9 * MiB + 5);
    await store.write("r/resumed", data);
    emulator.setFaults([
      { kind: "reset", operation: "GetObject", count: 1 },
      { kind: "flip-byte", operation: "GetObject", count: 1, skip: 1 },
    ]);
    emulator.resetStats();
    await expect(store.read("r/resumed")).rejects.toMatchObject({ code: "IntegrityMismatch" });
    expect(emulator.stats().faultsByKind).toMatchObject({ reset: 1, "flip-byte": 1 });
  });

  it("completeMultipart with a part crc64 other than the one of the bytes uploaded is Conflict, and the upload is kept", async () => {
    const data = randomBytes(9 * MiB + 5);
    const obj = await store.createMultipart("c/swapped");
    const parts = [
      await store.writeMultipart(obj, data.subarray(0, 4 * MiB), { index: 0 }),
      await store.writeMultipart(obj, data.subarray(4 * MiB, 8 * MiB), { index: 1 }),
      await store.writeMultipart(obj, data.subarray(8 * MiB), { index: 2 }),
    ];
    const swapped = [parts[0]!, { ...parts[1]!, crc64: parts[0]!.crc64 }, parts[2]!];
    await expect(store.completeMultipart(obj, swapped)).rejects.toMatchObject({ code: "Conflict" });
    await expect(store.stat("c/swapped")).rejects.toMatchObject({ code: "ObjectNotExist" });
    const written = await store.completeMultipart(obj, parts);
    expect(crc64OfEtag(written.etag)).toBe(crc64Decimal(data));
    expect(sha(await store.read("c/swapped"))).toBe(sha(data));
  });

  it("part crc64s this process did not upload are not vouched for: the object gets the MD5-of-MD5s ETag, no CRC claim", async () => {
    const data = randomBytes(9 * MiB + 5);
    const obj = await store.createMultipart("c/elsewhere");
    const parts = [
      await store.writeMultipart(obj, data.subarray(0, 4 * MiB), { index: 0 }),
      await store.writeMultipart(obj, data.subarray(4 * MiB, 8 * MiB), { index: 1 }),
      await store.writeMultipart(obj, data.subarray(8 * MiB), { index: 2 }),
    ];
    // As if the parts had been uploaded by another process: their crc64s come from the caller alone.
    writtenParts.forget(`${WORK}c/elsewhere`, obj.multipartId!);
    const written = await store.completeMultipart(obj, [parts[0]!, { ...parts[1]!, crc64: parts[0]!.crc64 }, parts[2]!]);
    expect(written.etag).toBe(multipartEtag(parts));
    expect((await store.stat("c/elsewhere")).crc64).toBeUndefined();
    expect(sha(await store.read("c/elsewhere"))).toBe(sha(data));
  });

  it("an object whose ETag is not in Stowage's form (an MD5 of MD5s another tool stored) is read unchecked, as before", async () => {
    const data = randomBytes(9 * MiB + 5);
    const obj = await store.createMultipart("r/other");
    const parts = [
      await store.writeMultipart(obj, data.subarray(0, 4 * MiB), { index: 0 }),
      await store.writeMultipart(obj, data.subarray(4 * MiB, 8 * MiB), { index: 1 }),
      await store.writeMultipart(obj, data.subarray(8 * MiB), { index: 2 }),
    ];
    // Parts without their CRC-64 (as a listing gives them) that another process uploaded: Complete stores the MD5 of MD5s.
    writtenParts.forget(`${WORK}r/other`, obj.multipartId!);
    const written = await store.completeMultipart(obj, parts.map(({ crc64: _c, ...p }) => p));
    expect(written.etag).toBe(multipartEtag(parts));
    expect((await store.stat("r/other")).crc64).toBeUndefined();
    expect(sha(await store.read("r/other"))).toBe(sha(data));
  });

  it("parts listMultipart gives (no crc64) that this process uploaded get their recorded CRC-64s: the object gets its CRC ETag", async () => {
    const data = randomBytes(9 * MiB + 5);
    const obj = await store.createMultipart("r/listed");
    await store.writeMultipart(obj, data.subarray(0, 4 * MiB), { index: 0 });
    await store.writeMultipart(obj, data.subarray(4 * MiB, 8 * MiB), { index: 1 });
    await store.writeMultipart(obj, data.subarray(8 * MiB), { index: 2 });
    const listed = [];
    for await (const p of store.listMultipart(obj)) listed.push(p);
    expect(listed.every((p) => p.crc64 === undefined)).toBe(true);
    const written = await store.completeMultipart(obj, listed);
    expect(written.crc64).toBe(crc64Decimal(data));
    expect(crc64OfEtag(written.etag)).toBe(crc64Decimal(data));
    expect((await store.stat("r/listed")).crc64).toBe(crc64Decimal(data));
  });
});
