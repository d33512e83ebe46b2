/**
 * QingStor answers with no error document, against a scripted server: a body-less 401 (how
 * QingStor refuses a key or signature on a HEAD) says to check the credential, as COS and OSS say
 * of a 403; a bare 408 is retried within max_retries (a retryable `ServiceInternal`); and an answer
 * that should be JSON but is not is a retryable `Unexpected` with its status, as COS and OSS class
 * an answer that is not XML.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isStorageError, newStorager, type Storager } from "@stowage/core";
import "../src/index.js";

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
});

/** A QingStor storager on a server that answers every request with `status` and `body` (counted in `seen`). */
async function scripted(status: number, body = "", contentType?: string): Promise<{ store: Storager; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(req.method ?? "");
    req.resume();
    req.on("end", () => {
      res.writeHead(status, { "content-length": String(Buffer.byteLength(body)), ...(contentType ? { "content-type": contentType } : {}) });
      res.end(req.method === "HEAD" ? undefined : body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const store = newStorager({
    type: "qingstor",
    name: "bucket",
    location: "pek3a",
    endpoint: `http:127.0.0.1:${port}`,
    credential: "hmac:AKID:SECRETKEY",
    maxRetries: 2,
    retryBaseDelay: 1,
    retryMaxDelay: 2,
  });
  return { store, seen };
}

async function failure(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
  return e as unknown as Error & Record<string, unknown>;
}

describe("qingstor: answers without an error document", () => {
  it("a body-less 401 on stat is PermissionDenied saying to check the credential", async () => {
    const { store } = await scripted(401);
    const e = await failure(store.stat("x"));
    expect(e).toMatchObject({ code: "PermissionDenied", statusCode: 401, retryable: false });
    expect(e["detail"]).toBe("head_object: HTTP 401 (not authenticated; the answer has no body to say why: check the credential)");
  });

  it("a body-less 401 on stat is named by a GET of the first byte: invalid_access_key_id sets credentialRefused, another code does not", async () => {
    for (const [code, refused] of [["invalid_access_key_id", true], ["permission_denied", false]] as const) {
      const { store, seen } = await scripted(401, JSON.stringify({ code, message: "refused", request_id: "r1" }), "application/json");
      const e = await failure(store.stat("x"));
      expect(e).toMatchObject({ code: "PermissionDenied", statusCode: 401, credentialRefused: refused, serviceCode: refused ? code : undefined });
      expect(seen).toEqual(["HEAD", "GET"]);
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });

  it("a bare 408 is retried within max_retries, then is a retryable ServiceInternal", async () => {
    const { store, seen } = await scripted(408);
    const e = await failure(store.read("x"));
    expect(e).toMatchObject({ code: "ServiceInternal", statusCode: 408, retryable: true });
    expect(seen).toHaveLength(3);
  });

  it("an initiate-multipart answer that is no JSON is a retryable Unexpected with its status, retried within max_retries", async () => {
    const { store, seen } = await scripted(200, "<notjson<", "application/json");
    const e = await failure(store.createMultipart("m"));
    expect(e).toMatchObject({ code: "Unexpected", statusCode: 200, retryable: true, op: "create_multipart" });
    expect(e["detail"]).toBe("initiate_multipart_upload: the service sent a response that is not a JSON document");
    expect(seen).toHaveLength(3);
  });
});
