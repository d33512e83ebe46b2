import { describe, expect, it } from "@jest/globals";
import { crc64Decimal, isStorageError, newStorager } from "@stowage/core";
import "../src/index.js";
import { QUICK_RETRIES, rawServer, type RawAnswer } from "./raw-server.js";

/** An object of ASCII text (the scripted server sends string bodies). */
const TEXT = Array.from({ length: 4000 }, (_, i) => `line ${i}\n`).join("");

/** A COS GET answer with the object's CRC-64 but no Content-Length: Node sends `body` chunked. */
function chunkedAnswer(body: string): RawAnswer {
  return {
    status: 200,
    headers: {
      "transfer-encoding": "chunked",
      "content-type": "text/plain",
      etag: '"0123456789abcdef0123456789abcdef"',
      "last-modified": "Mon, 02 Jun 2025 10:00:00 GMT",
      "x-cos-hash-crc64ecma": crc64Decimal(Buffer.from(TEXT)),
    },
    body,
  };
}

/** Reads `o` from a server that answers every request with `answer`, by `read` and by `createReadStream`. */
async function readBoth(answer: RawAnswer): Promise<unknown[]> {
  const server = await rawServer(() => answer);
  try {
    const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}${QUICK_RETRIES}`);
    const viaRead = await store.read("o").catch((e: unknown) => e);
    const viaStream = await (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of store.createReadStream("o")) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    })().catch((e: unknown) => e);
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "GET"]);
    return [viaRead, viaStream];
  } finally {
    await server.stop();
  }
}

describe("cos: a whole read answered without Content-Length (chunked)", () => {
  it("returns the object when the bytes match the announced CRC-64", async () => {
    for (const got of await readBoth(chunkedAnswer(TEXT))) expect((got as Buffer).toString()).toBe(TEXT);
  });

  it("fails with IntegrityMismatch when a byte was flipped", async () => {
    const flipped = TEXT.slice(0, 5) + (TEXT[5] === "x" ? "y" : "x") + TEXT.slice(6);
    for (const e of await readBoth(chunkedAnswer(flipped))) {
      expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
      expect((e as Error).message).toContain("crc64 mismatch");
    }
  });

  it("fails with IntegrityMismatch when the body ends early but cleanly", async () => {
    for (const e of await readBoth(chunkedAnswer(TEXT.slice(0, 20000)))) expect(isStorageError(e, "IntegrityMismatch")).toBe(true);
  });
});
