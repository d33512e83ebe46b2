import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, storageError, type DriverBody } from "@stowage/core";
import { appendChunk } from "../src/append.js";
import type { OssClient } from "../src/client.js";
import "../src/index.js";
import { runNextAppendPositionSuite } from "@stowage/behavior-tests";

runNextAppendPositionSuite("oss", {
  header: "x-oss-next-append-position",
  requestIdHeader: "x-oss-request-id",
  open: (endpoint) => newStorager(`oss://scripted-bucket/?credential=hmac:AK:SK&endpoint=${endpoint}&location=cn-hangzhou&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3`),
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
