import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, storageError, type DriverBody, type RawObject } from "@stowage/core";
import { appendChunk } from "../src/append.js";
import type { QingStorClient } from "../src/client.js";
import "../src/index.js";
import { runNextAppendPositionSuite } from "@stowage/behavior-tests";

runNextAppendPositionSuite("qingstor", {
  header: "x-qs-next-append-position",
  requestIdHeader: "x-qs-request-id",
  open: (endpoint) => newStorager(`qingstor://scripted/?credential=hmac:AK:SK&endpoint=${endpoint}&location=pek3b&max_retries=0`),
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
