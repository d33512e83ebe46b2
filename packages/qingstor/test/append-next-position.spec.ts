import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, storageError, type DriverBody, type ObjectInfo, type RawObject } from "@stowage/core";
import { appendChunk } from "../src/append.js";
import type { QingStorClient } from "../src/client.js";
import "../src/index.js";

/** An append object 6 bytes long, as a listing or stat gives it. */
const object = (): ObjectInfo => ({ path: "log", mode: "append", appendOffset: 6, size: 6 }) as ObjectInfo;

/** The outcome of appending "world" at 6 when the AppendObject is answered 200 with `headers`, and the requests sent. */
async function appendAnswered(headers: Record<string, string>): Promise<{ outcome: unknown; sent: string[] }> {
  const sent: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      sent.push(`${req.method} ${new URL(req.url ?? "/", "http://x").search}`);
      res.writeHead(200, { "x-qs-request-id": `rid-${sent.length}`, etag: '"e"', ...headers });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const store = newStorager(`qingstor://scripted/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${(server.address() as AddressInfo).port}&location=pek3b&max_retries=0`);
    return { outcome: await store.writeAppend(object(), "world").catch((e: unknown) => e), sent };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("qingstor: the next append position of an AppendObject answer", () => {
  it("is the object's new length when it is a whole number", async () => {
    expect((await appendAnswered({ "x-qs-next-append-position": "11" })).outcome).toEqual({ size: 5, appendOffset: 11 });
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
    const { outcome, sent } = await appendAnswered({ "x-qs-next-append-position": value });
    expect(outcome).toMatchObject({
      name: "StorageError",
      code: "Unexpected",
      retryable: false,
      statusCode: 200,
      requestId: "rid-1",
      message: expect.stringContaining(`x-qs-next-append-position is ${JSON.stringify(value)}, not a whole number of bytes`),
    });
    expect((outcome as Error).message).toContain("the append was applied");
    expect(sent).toEqual(["POST ?append&position=6"]);
  });
});

describe("qingstor: a lost append's read-back answered with a size above 2^53 - 1", () => {
  it("closes the GET's body (its connection is not left busy) and fails as the lost append did, not retryable", async () => {
    const body = Readable.from([Buffer.from("world")]);
    const sent: string[] = [];
    const got: Record<string, string> = { "content-range": "bytes 6-10/9007199254740993", "content-length": "5", etag: '"e"' };
    const client = {
      secure: false,
      send: async (call: { method: string }) => {
        sent.push(call.method);
        // The AppendObject's answer is lost (a reset after the request went out).
        if (call.method === "POST") throw storageError(ErrorCode.ServiceInternal, "socket hang up", { retryable: true });
        return {
          status: 206,
          headers: got,
          requestId: "r",
          earlierAttemptMayHaveApplied: false,
          header: (n: string) => got[n.toLowerCase()],
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
    } as unknown as QingStorClient;
    // The HEAD: appendable and 11 bytes long, so the bytes at 6 are read back.
    const stat = async (key: string): Promise<RawObject> => (sent.push("HEAD"), { key, mode: "append", size: 11, appendOffset: 11, etag: '"e"' });
    const chunk: DriverBody = { data: Buffer.from("world"), size: 5 };
    await expect(appendChunk({ client, stat }, "log", 6, chunk, {})).rejects.toMatchObject({
      code: "ServiceInternal",
      retryable: false,
      message: expect.stringContaining("could not be looked at (Unexpected)"),
    });
    expect(sent).toEqual(["POST", "HEAD", "GET"]);
    expect(body.destroyed).toBe(true);
  });
});
