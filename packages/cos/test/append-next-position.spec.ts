import { Readable } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, storageError, type DriverBody } from "@stowage/core";
import { appendChunk } from "../src/append.js";
import type { CosClient } from "../src/client.js";
import "../src/index.js";
import { QUICK_RETRIES } from "./raw-server.js";
import { runNextAppendPositionSuite } from "@stowage/behavior-tests";

runNextAppendPositionSuite("cos", {
  header: "x-cos-next-append-position",
  requestIdHeader: "x-cos-request-id",
  open: (endpoint) => newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=${endpoint}${QUICK_RETRIES}`),
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
