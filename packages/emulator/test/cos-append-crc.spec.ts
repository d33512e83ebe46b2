import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, md5Hex } from "./raw-client.js";

// COS lists no CRC-64 in its APPEND answer (protocols.md §1.3, §1.5); whether reads of an appendable
// object carry one is not documented, so the emulator lets tests choose (cosAppendableCrc64).

const BUCKET = "crc-1250000000";
const CRC = "x-cos-hash-crc64ecma";
/** CRC-64/ECMA-182 of "123456789" (protocols.md §4.1). */
const CHECK = "11051210869376104954";

let withCrc: Emulator;
let withoutCrc: Emulator;

beforeAll(async () => {
  [withCrc, withoutCrc] = await Promise.all([
    startEmulator({ provider: "cos", buckets: [BUCKET] }),
    startEmulator({ provider: "cos", buckets: [BUCKET], cosAppendableCrc64: false }),
  ]);
});

afterAll(async () => {
  await Promise.all([withCrc.stop(), withoutCrc.stop()]);
});

const append = (emu: Emulator, position: number, body: string) =>
  cosRequest(emu, { method: "POST", bucket: BUCKET, key: "log", query: [["append", undefined], ["position", String(position)]], body });

describe("COS APPEND answers", () => {
  it("carry the next position, the ETag and the chunk's MD5, but no CRC-64", async () => {
    for (const emu of [withCrc, withoutCrc]) {
      const first = await append(emu, 0, "12345");
      expect(first.status).toBe(200);
      expect(first.headers[CRC]).toBeUndefined();
      const second = await append(emu, 5, "6789");
      expect([second.status, second.headers["x-cos-next-append-position"], second.headers["x-cos-content-sha1"]]).toEqual([200, "9", md5Hex("6789")]);
      expect(second.headers.etag).toBeDefined();
      expect(second.headers[CRC]).toBeUndefined();
    }
  });
});

describe("reads of an appendable object", () => {
  it("carry the whole object's CRC-64 by default", async () => {
    const head = await cosRequest(withCrc, { method: "HEAD", bucket: BUCKET, key: "log" });
    const get = await cosRequest(withCrc, { method: "GET", bucket: BUCKET, key: "log" });
    expect([head.headers["x-cos-object-type"], head.headers[CRC], get.headers[CRC], get.body]).toEqual(["appendable", CHECK, CHECK, "123456789"]);
  });

  it("carry none with cosAppendableCrc64: false; normal objects keep theirs", async () => {
    const head = await cosRequest(withoutCrc, { method: "HEAD", bucket: BUCKET, key: "log" });
    const get = await cosRequest(withoutCrc, { method: "GET", bucket: BUCKET, key: "log" });
    expect([head.status, head.headers["x-cos-object-type"], head.headers[CRC], get.headers[CRC], get.body]).toEqual([200, "appendable", undefined, undefined, "123456789"]);
    const put = await cosRequest(withoutCrc, { method: "PUT", bucket: BUCKET, key: "normal", body: "123456789" });
    expect(put.headers[CRC]).toBe(CHECK);
    expect((await cosRequest(withoutCrc, { method: "HEAD", bucket: BUCKET, key: "normal" })).headers[CRC]).toBe(CHECK);
  });
});

describe("the cosAppendableCrc64 option", () => {
  it("is refused for another provider", async () => {
    const outcome = await startEmulator({ provider: "oss", cosAppendableCrc64: false }).catch((e: unknown) => e);
    if (typeof outcome === "object" && outcome !== null && "stop" in outcome) await (outcome as Emulator).stop();
    expect(outcome).toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("cosAppendableCrc64") });
  });
});
