import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, storageError, type DriverBody, type ObjectInfo } from "@stowage/core";
import { appendChunk } from "../src/append.js";
import type { CosClient } from "../src/client.js";
import "../src/index.js";
import { QUICK_RETRIES, rawServer } from "./raw-server.js";

/** An append object 6 bytes long (no CRC-64 known), as a listing or stat gives it. */
const object = (): ObjectInfo => ({ path: "log", mode: "append", appendOffset: 6, size: 6 }) as ObjectInfo;

/** The outcome of appending "world" at 6 when the APPEND is answered 200 with `headers`, and the requests sent. */
async function appendAnswered(headers: Record<string, string>): Promise<{ outcome: unknown; sent: string[] }> {
  const server = await rawServer(() => ({ status: 200, headers: { etag: '"e"', ...headers } }));
  try {
    const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}${QUICK_RETRIES}`);
    const outcome = await store.writeAppend(object(), "world").catch((e: unknown) => e);
    return { outcome, sent: server.requests.map((r) => `${r.method} ${r.url.search}`) };
  } finally {
    await server.stop();
  }
}

describe("cos: the next append position of an APPEND answer", () => {
  it("is the object's new length when it is a whole number", async () => {
    expect((await appendAnswered({ "x-cos-next-append-position": "11" })).outcome).toEqual({ size: 5, appendOffset: 11 });
  });

  it("is the append's end (offset + size) when the answer has none", async () => {
    expect((await appendAnswered({})).outcome).toEqual({ size: 5, appendOffset: 11 });
  });

  it.each([
    ["empty", ""],
    ["hex", "0x10"],
    ["an exponent", "1e1"],
    ["fractional", "11.0"],
    ["signed", "-11"],
    ["two values", "11, 12"],
    ["above 2^53 - 1", "9007199254740993"],
  ])("is Unexpected naming the header when %s, never a guessed position (the append was applied: no retry)", async (_label, value) => {
    const { outcome, sent } = await appendAnswered({ "x-cos-next-append-position": value });
    expect(outcome).toMatchObject({
      name: "StorageError",
      code: "Unexpected",
      retryable: false,
      statusCode: 200,
      requestId: "rid-1",
      message: expect.stringContaining(`x-cos-next-append-position is ${JSON.stringify(value)}, not a whole number of bytes`),
    });
    expect((outcome as Error).message).toContain("the append was applied");
    expect(sent).toEqual(["POST ?append&position=6"]);
  });

  it("shortens a long malformed value in the message", async () => {
    const value = "9".repeat(300);
    const { outcome } = await appendAnswered({ "x-cos-next-append-position": value });
    expect(outcome).toMatchObject({ code: "Unexpected", message: expect.stringContaining("a value of 300 characters") });
    expect((outcome as Error).message).not.toContain(value);
  });
});

describe("cos: a lost append's read-back answered with a size above 2^53 - 1", () => {
  it("closes the GET's body (its connection is not left busy) and fails as the lost append did, not retryable", async () => {
    const body = Readable.from([Buffer.from("world")]);
    const sent: string[] = [];
    const headers: Record<string, string> = { "content-range": "bytes 6-10/9007199254740993", "content-length": "5", "x-cos-object-type": "appendable" };
    const client = {
      secure: false,
      send: async (call: { method: string; operation: string }) => {
        sent.push(call.method);
        // The APPEND's answer is lost (a reset after the request went out).
        if (call.method === "POST") throw storageError(ErrorCode.ServiceInternal, "socket hang up", { retryable: true });
        return {
          status: 206,
          headers,
          requestId: "r",
          earlierAttemptMayHaveApplied: false,
          header: (n: string) => headers[n.toLowerCase()],
          stream: () => body,
          // As StreamingResponse.fromHead: the body destroyed when reading the head throws.
          fromHead: <T>(read: () => T): T => {
            try {
              return read();
            } catch (e) {
              body.destroy();
              throw e;
            }
          },
          discard: async () => {
            body.destroy();
          },
        };
      },
    } as unknown as CosClient;
    const chunk: DriverBody = { data: Buffer.from("world"), size: 5 };
    await expect(appendChunk(client, true, "log", 6, chunk, {})).rejects.toMatchObject({
      code: "ServiceInternal",
      retryable: false,
      message: expect.stringContaining("could not be looked at (Unexpected)"),
    });
    expect(sent).toEqual(["POST", "GET"]);
    expect(body.destroyed).toBe(true);
  });
});
