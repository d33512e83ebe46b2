import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { askedRange, openedRange, pastTheEnd, rangeBody, type RangedGetAnswer } from "../src/driver/ranged-read.js";
import type { RawObject } from "../src/driver/storage-driver.js";
import { objectSizeFromHeaders } from "../src/http/response-headers.js";

/** A GET's answer: `status`, `headers`, the body `data`; `range` says whether the GET sent a Range header. */
function answer(status: number, headers: Record<string, string>, data: Buffer, range: string | undefined): RangedGetAnswer & { discarded: boolean; body: Readable } {
  const body = Readable.from([data]);
  const res = {
    status,
    request: { method: "GET", path: "/k", query: [], headers: range === undefined ? {} : { Range: range }, operation: "get_object" },
    requestId: "req-1",
    discarded: false,
    body,
    header: (name: string) => headers[name.toLowerCase()],
    stream: () => body,
    fromHead: <T>(read: () => T): T => {
      try {
        return read();
      } catch (e) {
        body.destroy();
        throw e;
      }
    },
    discard: async () => {
      res.discarded = true;
      body.destroy();
    },
  };
  return res as unknown as RangedGetAnswer & { discarded: boolean; body: Readable };
}

const read = async (s: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

const DATA = Buffer.from("0123456789");
const objectOf = (size: number) => (): RawObject => ({ key: "k", mode: "file", size });

describe("askedRange", () => {
  it("finds a Range header in any case, and none when absent", () => {
    expect(askedRange(answer(200, {}, DATA, "bytes=1-2"))).toBe(true);
    expect(askedRange(answer(200, {}, DATA, undefined))).toBe(false);
  });
});

describe("pastTheEnd", () => {
  it("is false for a 2xx, true for a 416 to a ranged GET (body discarded)", async () => {
    expect(await pastTheEnd(answer(206, {}, DATA, "bytes=1-2"))).toBe(false);
    const refused = answer(416, {}, Buffer.alloc(0), "bytes=20-");
    expect(await pastTheEnd(refused)).toBe(true);
    expect(refused.discarded).toBe(true);
  });

  it("refuses a 416 to a GET without Range: Unexpected, not retryable, with the status and request id", async () => {
    const refused = answer(416, {}, Buffer.alloc(0), undefined);
    await expect(pastTheEnd(refused)).rejects.toMatchObject({ code: "Unexpected", retryable: false, statusCode: 416, requestId: "req-1" });
    expect(refused.discarded).toBe(true);
  });
});

describe("rangeBody", () => {
  it("passes a 206 for the range asked, and a 200 to a GET without Range, as they are", async () => {
    const partial = rangeBody(answer(206, { "content-range": "bytes 2-4/10" }, Buffer.from("234"), "bytes=2-4"), { offset: 2, size: 3 }, objectOf(10));
    expect(partial.past).toBe(false);
    expect(await read(partial.stream)).toBe("234");
    const whole = rangeBody(answer(200, {}, DATA, undefined), {}, objectOf(10));
    expect(await read(whole.stream)).toBe("0123456789");
    expect(whole.object).toEqual({ key: "k", mode: "file", size: 10 });
  });

  it("refuses a 206 for other bytes (IntegrityMismatch), closing its body, before reading the object", () => {
    const res = answer(206, { "content-range": "bytes 0-2/10" }, Buffer.from("012"), "bytes=2-4");
    let looked = false;
    expect(() =>
      rangeBody(res, { offset: 2, size: 3 }, () => {
        looked = true;
        return objectOf(10)();
      }),
    ).toThrow(expect.objectContaining({ code: "IntegrityMismatch" }));
    expect(looked).toBe(false);
    expect(res.body.destroyed).toBe(true);
  });

  it("closes the body when the object cannot be read from the headers (a size above 2^53 - 1), throwing that error", async () => {
    const headers = { "content-range": "bytes 2-4/9007199254740993" };
    const objectFromHeaders = (): RawObject => ({ key: "k", mode: "file", size: objectSizeFromHeaders(206, headers)! });
    const res = answer(206, headers, Buffer.from("234"), "bytes=2-4");
    expect(() => rangeBody(res, { offset: 2, size: 3 }, objectFromHeaders)).toThrow(expect.objectContaining({ code: "Unexpected" }));
    expect(res.body.destroyed).toBe(true);
    const opened = answer(206, headers, Buffer.from("234"), "bytes=2-4");
    await expect(openedRange(opened, { offset: 2, size: 3 }, objectFromHeaders)).rejects.toMatchObject({ code: "Unexpected", detail: expect.stringContaining("Content-Range") });
    expect(opened.body.destroyed).toBe(true);
  });

  it("slices a 200 to a ranged GET (the server ignored Range)", async () => {
    expect(await read(rangeBody(answer(200, {}, DATA, "bytes=3-5"), { offset: 3, size: 3 }, objectOf(10)).stream)).toBe("345");
    expect(await read(rangeBody(answer(200, {}, DATA, "bytes=7-"), { offset: 7 }, objectOf(10)).stream)).toBe("789");
  });

  it("gives an empty stream for a 200 to a range starting at or past the end (`past`), closing the body", async () => {
    const res = answer(200, {}, DATA, "bytes=10-");
    const got = rangeBody(res, { offset: 10 }, objectOf(10));
    expect(got.past).toBe(true);
    expect(res.body.destroyed).toBe(true);
    expect(await read(got.stream)).toBe("");
  });
});

describe("openedRange", () => {
  it("reads nothing past the end (a 416 to a ranged GET): no object, no CRC-64", async () => {
    const got = await openedRange(answer(416, { "x-crc": "7" }, Buffer.alloc(0), "bytes=20-"), { offset: 20 }, objectOf(10), "x-crc");
    expect(got.object).toBeUndefined();
    expect(got.crc64).toBeUndefined();
    expect(await read(got.stream)).toBe("");
  });

  it("reports the CRC-64 header of a body, not of a range past the end of a whole answer", async () => {
    const got = await openedRange(answer(200, { "x-crc": "7" }, DATA, undefined), {}, objectOf(10), "x-crc");
    expect(got.crc64).toBe("7");
    expect(await read(got.stream)).toBe("0123456789");
    const past = await openedRange(answer(200, { "x-crc": "7" }, DATA, "bytes=12-"), { offset: 12 }, objectOf(10), "x-crc");
    expect(past.crc64).toBeUndefined();
    expect(past.object?.size).toBe(10);
    const none = await openedRange(answer(200, {}, DATA, undefined), {}, objectOf(10), "x-crc");
    expect("crc64" in none).toBe(false);
  });

  it("fails a 416 to a GET without Range", async () => {
    await expect(openedRange(answer(416, {}, Buffer.alloc(0), undefined), {}, objectOf(10))).rejects.toMatchObject({ code: "Unexpected" });
  });
});
