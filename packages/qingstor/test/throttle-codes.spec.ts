/**
 * QingStor's throttling codes (its error-code page): `max_requests_exceeded` (400: buckets created
 * or deleted too often) and `fetch_throttled` (429) are `RequestThrottled`, retried with backoff
 * like a 429 although the first is a 400, and a request they refused is not taken for one that
 * may have been applied. A scripted server stands in for QingStor (the emulator throttles with 429 only).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { newServicer } from "@stowage/core";
import { QINGSTOR_ERROR_CODES, qingstorError } from "../src/errors.js";
import "../src/index.js";

/** The answers the server gives, in turn (the last one again once they run out), and the requests it saw. */
const script: { answers: Array<{ status: number; code?: string }>; seen: string[] } = { answers: [], seen: [] };
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      script.seen.push(`${req.method} ${req.url}`);
      const answer = script.answers.length > 1 ? script.answers.shift()! : script.answers[0]!;
      if (answer.code === undefined) {
        res.writeHead(answer.status).end();
        return;
      }
      const body = JSON.stringify({ code: answer.code, message: "scripted", request_id: "rid-1", url: "https://example.invalid/error" });
      res.writeHead(answer.status, { "content-type": "application/json", "x-qs-request-id": "rid-1" }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  script.seen = [];
});

const servicer = (retries: number) =>
  newServicer(`qingstor://?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${port}&location=pek3a&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=${retries}`);

describe("QingStor throttling codes", () => {
  it("map to RequestThrottled, retryable, whatever the status", () => {
    expect([QINGSTOR_ERROR_CODES["max_requests_exceeded"], QINGSTOR_ERROR_CODES["fetch_throttled"]]).toEqual(["RequestThrottled", "RequestThrottled"]);
    expect(qingstorError(400, { code: "max_requests_exceeded", message: "m" }, "put_bucket", "rid")).toMatchObject({ code: "RequestThrottled", retryable: true, statusCode: 400 });
    expect(qingstorError(429, { code: "fetch_throttled", message: "m" }, "put_object", "rid")).toMatchObject({ code: "RequestThrottled", retryable: true, statusCode: 429 });
  });

  it("a bucket create refused with 400 max_requests_exceeded is tried again, and succeeds", async () => {
    script.answers = [{ status: 400, code: "max_requests_exceeded" }, { status: 400, code: "max_requests_exceeded" }, { status: 201 }];
    await servicer(3).create("busy-qs");
    expect(script.seen).toEqual(["PUT /busy-qs", "PUT /busy-qs", "PUT /busy-qs"]);
  });

  it("once retries are spent, the create fails RequestThrottled (retryable) with QingStor's code and status", async () => {
    script.answers = [{ status: 400, code: "max_requests_exceeded" }];
    await expect(servicer(2).create("busy-qs")).rejects.toMatchObject({ code: "RequestThrottled", retryable: true, statusCode: 400, requestId: "rid-1", message: expect.stringContaining("max_requests_exceeded") });
    expect(script.seen).toEqual(["PUT /busy-qs", "PUT /busy-qs", "PUT /busy-qs"]);
  });

  it("a refused attempt is not one that may have applied: a retry's bucket_already_exists is Conflict, with no ownership check", async () => {
    script.answers = [{ status: 400, code: "max_requests_exceeded" }, { status: 409, code: "bucket_already_exists" }];
    await expect(servicer(3).create("taken-qs")).rejects.toMatchObject({ code: "Conflict", statusCode: 409 });
    // No GET Service: the throttled attempt created nothing, so the 409 is someone else's bucket.
    expect(script.seen).toEqual(["PUT /taken-qs", "PUT /taken-qs"]);
  });

  it("a bucket delete refused with max_requests_exceeded is tried again, and succeeds", async () => {
    script.answers = [{ status: 400, code: "max_requests_exceeded" }, { status: 204 }];
    await servicer(3).delete("busy-qs");
    expect(script.seen).toEqual(["DELETE /busy-qs", "DELETE /busy-qs"]);
  });
});
