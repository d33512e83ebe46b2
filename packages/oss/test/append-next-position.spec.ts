import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, storageError, type DriverBody, type ObjectInfo } from "@stowage/core";
import { appendChunk } from "../src/append.js";
import type { OssClient } from "../src/client.js";
import "../src/index.js";

const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";

/** An append object 6 bytes long (no CRC-64 known), as a listing gives it. */
const object = (): ObjectInfo => ({ path: "log", mode: "append", appendOffset: 6, size: 6 }) as ObjectInfo;

/** The outcome of appending "world" at 6 when the AppendObject is answered 200 with `headers`, and the requests sent. */
async function appendAnswered(headers: Record<string, string>): Promise<{ outcome: unknown; sent: string[] }> {
  const sent: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      sent.push(`${req.method} ${new URL(req.url ?? "/", "http://x").search}`);
      res.writeHead(200, { "x-oss-request-id": `rid-${sent.length}`, etag: '"E"', ...headers });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const store = newStorager(`oss://scripted-bucket/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${(server.address() as AddressInfo).port}&location=cn-hangzhou${QUICK}`);
    return { outcome: await store.writeAppend(object(), "world").catch((e: unknown) => e), sent };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("oss: the next append position of an AppendObject answer", () => {
  it("is the object's new length when it is a whole number", async () => {
    expect((await appendAnswered({ "x-oss-next-append-position": "11" })).outcome).toEqual({ size: 5, appendOffset: 11 });
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
    const { outcome, sent } = await appendAnswered({ "x-oss-next-append-position": value });
    expect(outcome).toMatchObject({
      name: "StorageError",
      code: "Unexpected",
      retryable: false,
      statusCode: 200,
      requestId: "rid-1",
      message: expect.stringContaining(`x-oss-next-append-position is ${JSON.stringify(value)}, not a whole number of bytes`),
    });
    expect((outcome as Error).message).toContain("the append was applied");
    expect(sent).toEqual(["POST ?append&position=6"]);
  });
});

describe("oss: a lost append's read-back answered with a size above 2^53 - 1", () => {
  it("closes the GET's body (its connection is not left busy) and fails as the lost append did, not retryable", async () => {
    const body = Readable.from([Buffer.from("world")]);
    const sent: string[] = [];
    const headed = { "x-oss-object-type": "Appendable", "x-oss-next-append-position": "11", "content-length": "11", etag: '"E"' };
    const got: Record<string, string> = { ...headed, "content-range": "bytes 6-10/9007199254740993", "content-length": "5" };
    const client = {
      // The HEAD: appendable, 11 bytes long, no CRC-64 to compare: the bytes at 6 are read back.
      sendBuffered: async (call: { method: string }) => {
        sent.push(call.method);
        return { status: 200, headers: headed, body: Buffer.alloc(0), requestId: "r", header: (n: string) => (headed as Record<string, string>)[n.toLowerCase()] };
      },
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
    } as unknown as OssClient;
    const chunk: DriverBody = { data: Buffer.from("world"), size: 5 };
    await expect(appendChunk(client, "log", 6, chunk, {})).rejects.toMatchObject({
      code: "ServiceInternal",
      retryable: false,
      message: expect.stringContaining("could not be looked at (Unexpected)"),
    });
    expect(sent).toEqual(["POST", "HEAD", "GET"]);
    expect(body.destroyed).toBe(true);
  });
});
