import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "../src/index.js";
import { QUICK_RETRIES, rawServer, type RawRequest } from "./raw-server.js";

/** A 100-byte object whose byte i is i. */
const OBJECT = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

/** A ranged GET answered with `shift` bytes before the range asked for (0: the right range). */
function answerShifted(shift: number) {
  return (req: RawRequest) => {
    const m = /bytes=(\d+)-(\d*)/.exec(String(req.headers["range"] ?? ""));
    const first = Math.max(0, Number(m?.[1] ?? 0) - shift);
    const last = m?.[2] ? Number(m[2]) - shift : OBJECT.length - 1;
    return {
      status: 206,
      headers: { "content-range": `bytes ${first}-${last}/${OBJECT.length}`, etag: '"0123456789abcdef0123456789abcdef"', "last-modified": "Mon, 02 Jun 2025 10:00:00 GMT" },
      body: OBJECT.subarray(first, last + 1).toString("latin1"),
    };
  };
}

async function readRange(shift: number, range: { offset: number; size?: number }): Promise<unknown> {
  const server = await rawServer(answerShifted(shift));
  try {
    const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}${QUICK_RETRIES}`);
    return await store.read("o", range).catch((e: unknown) => e);
  } finally {
    await server.stop();
  }
}

describe("cos: a 206 answer for another range than the one asked", () => {
  it("is IntegrityMismatch, never its bytes taken for the range asked (no whole-object CRC-64 checks a ranged read)", async () => {
    expect(await readRange(5, { offset: 20, size: 10 })).toMatchObject({ code: "IntegrityMismatch", message: expect.stringContaining("bytes 15-24 for a read of 10 bytes from 20") });
    expect(await readRange(5, { offset: 20 })).toMatchObject({ code: "IntegrityMismatch" });
  });

  it("the range asked for is read as it is", async () => {
    expect(await readRange(0, { offset: 20, size: 10 })).toEqual(OBJECT.subarray(20, 30));
    expect(await readRange(0, { offset: 90 })).toEqual(OBJECT.subarray(90));
  });
});
