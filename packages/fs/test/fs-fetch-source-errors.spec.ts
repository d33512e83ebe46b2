/**
 * fs `fetch` from a failing source: a source that refuses the connection is a retryable
 * `ServiceInternal` (as QingStor's own fetch reports it), and a source that answers 401 or 403 is
 * `InvalidArgument` with the source's status, never `PermissionDenied` (which fs keeps for the
 * filesystem refusing access); nothing is stored, and no message names the URL's query.
 */
import { readdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type StorageError } from "@stowage/core";
import "../src/index.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
let server: Server;
let base = "";
let closedBase = "";

beforeAll(async () => {
  // A port nothing listens on: a server's, closed.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  closedBase = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  server = createServer((req, res) => {
    const status = Number(/^\/(\d{3})/.exec(req.url ?? "")?.[1] ?? 200);
    res.writeHead(status, { "content-length": "4" }).end("body");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

async function fetchFailure(url: string): Promise<StorageError> {
  const error = await newStorager(`fs://${s.root}/`)
    .fetch("f", url)
    .then(
      () => {
        throw new Error("expected the fetch to fail");
      },
      (e: unknown) => e,
    );
  if (!isStorageError(error)) throw error;
  return error;
}

describe("fs fetch: a failing source", () => {
  it("a refused connection is a retryable ServiceInternal, nothing stored", async () => {
    const error = await fetchFailure(`${closedBase}/x?sig=s3cretSignature`);
    expect(error.code).toBe("ServiceInternal");
    expect(error.retryable).toBe(true);
    expect(inspect(error, { depth: 8 })).not.toMatch(/s3cretSignature/);
    expect(await readdir(s.root)).toEqual([]);
  });

  it.each([401, 403])("a source's %i is InvalidArgument with its status, not retryable, never PermissionDenied", async (status) => {
    const error = await fetchFailure(`${base}/${status}?sig=s3cretSignature`);
    expect(error.code).toBe("InvalidArgument");
    expect(error.retryable).toBe(false);
    expect(error.statusCode).toBe(status);
    expect(error.detail).toContain(`answered ${status}`);
    expect(inspect(error, { depth: 8 })).not.toMatch(/s3cretSignature/);
    expect(await readdir(s.root)).toEqual([]);
  });
});
