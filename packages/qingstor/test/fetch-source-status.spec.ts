/**
 * The emulator's QingStor fetch answers for its source as QingStor does: a source that answers 401
 * or 403 (which core's `openUrl` reports as `InvalidArgument` with that status) is a failed fetch
 * (503 ServiceUnavailable, a retryable `ServiceInternal` to the driver), not a refused fetch
 * source URL (400 InvalidArgument); a source that does not exist stays `ObjectNotExist`.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type StorageError } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { useFetchSource } from "./fetch-source.js";

const BUCKET = "fetch-source-status";
let emulator: Emulator;

const source = useFetchSource((req, res) => {
  const status = Number(/^\/(\d{3})/.exec(req.url ?? "")?.[1] ?? 200);
  res.writeHead(status, { "content-length": "4" }).end("body");
});

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
});

afterAll(async () => {
  await emulator.stop();
});

async function fetchFailure(url: string): Promise<StorageError> {
  const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&max_retries=0`);
  const error = await store.fetch("f", url).then(
    () => {
      throw new Error("expected the fetch to fail");
    },
    (e: unknown) => e,
  );
  if (!isStorageError(error)) throw error;
  return error;
}

describe("qingstor (emulator) fetch: the source's status", () => {
  it.each([401, 403])("a source's %i is a retryable ServiceInternal (503), not InvalidArgument", async (status) => {
    const error = await fetchFailure(`${source.base}/${status}`);
    expect(error.code).toBe("ServiceInternal");
    expect(error.retryable).toBe(true);
    expect(error.statusCode).toBe(503);
  });

  it("a source's 404 is ObjectNotExist", async () => {
    expect((await fetchFailure(`${source.base}/404`)).code).toBe("ObjectNotExist");
  });
});
