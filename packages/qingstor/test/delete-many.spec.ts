import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "@jest/globals";
import { runBatchDeleteSuite } from "@stowage/behavior-tests";
import { newStorager, type StorageError, type Storager } from "@stowage/core";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";
import { parseDeleteErrors } from "../src/responses.js";

/** A server that answers every request 200 with `body` (JSON), recording the methods; a storager on it. */
async function scripted(body: string): Promise<{ store: Storager; methods: string[]; stop(): Promise<void> }> {
  const methods: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      methods.push(req.method ?? "");
      res.writeHead(200, { "content-type": "application/json", "x-qs-request-id": "rid" });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    store: newStorager(`qingstor://scripted/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${port}&location=pek3b&max_retries=0`),
    methods,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

runBatchDeleteSuite({
  provider: "qingstor",
  start: (buckets) => startEmulator({ provider: "qingstor", buckets }),
  buckets: ["delete-many", "delete-root"],
  errorCode: "internal_server_error",
  errorDocument: "an error document",
  keyErrors: { denied: "permission_denied", invalid: "invalid_argument" },
  more: () => {
    it("a 200 with an empty body is a retryable Unexpected, never a success", async () => {
      const server = await scripted("");
      try {
        const e = (await server.store.deleteMany(["a", "b"]).catch((err: unknown) => err)) as StorageError;
        expect(e).toMatchObject({ code: "Unexpected", retryable: true });
        expect(e.batch!.failed.map((f) => f.path)).toEqual(["a", "b"]);
      } finally {
        await server.stop();
      }
    });

    it("keys the answer reports failed: the rejection names them with their codes and the others as deleted", async () => {
      const server = await scripted(JSON.stringify({ deleted: [], errors: [{ key: "b", code: "permission_denied", message: "no" }, { key: "c", code: "object_not_exists", message: "gone" }] }));
      try {
        const e = (await server.store.deleteMany(["a", "b", "c"]).catch((err: unknown) => err)) as StorageError;
        expect(e.code).toBe("PermissionDenied");
        expect(e.batch).toEqual({ failed: [{ path: "b", code: "PermissionDenied", serviceCode: "permission_denied" }], deleted: ["a", "c"], notAttempted: [] });
        expect(server.methods).toEqual(["POST"]);
      } finally {
        await server.stop();
      }
    });

    it("a quiet 200 without a deleted or errors list is a success: one POST, every key deleted", async () => {
      // QingStor's quiet mode leaves `deleted` out, and its SDKs treat `errors` as optional.
      for (const body of ["{}", JSON.stringify({ request_id: "x" }), JSON.stringify({ errors: [] }), JSON.stringify({ deleted: [] })]) {
        const server = await scripted(body);
        try {
          await expect(server.store.deleteMany(["a", "b"])).resolves.toBeUndefined();
          expect([body, server.methods]).toEqual([body, ["POST"]]);
        } finally {
          await server.stop();
        }
      }
    });

    it("a 200 carrying QingStor's error document fails as that error, every key reported failed", async () => {
      const server = await scripted(JSON.stringify({ code: "permission_denied", message: "no", request_id: "rid", url: "https://docs.qingcloud.com/" }));
      try {
        const e = (await server.store.deleteMany(["a", "b"]).catch((err: unknown) => err)) as StorageError;
        expect(e).toMatchObject({ code: "PermissionDenied" });
        expect(e.batch!.failed.map((f) => f.path)).toEqual(["a", "b"]);
      } finally {
        await server.stop();
      }
    });

    it("parses a result: no errors list is no failure; a list field that is no list, or no JSON object, is a retryable Unexpected", () => {
      expect(parseDeleteErrors(Buffer.from("{}"))).toEqual([]);
      expect(parseDeleteErrors(Buffer.from(JSON.stringify({ request_id: "x" })))).toEqual([]);
      expect(parseDeleteErrors(Buffer.from(JSON.stringify({ deleted: [] })))).toEqual([]);
      expect(parseDeleteErrors(Buffer.from(JSON.stringify({ errors: [{ key: "k", code: "permission_denied", message: "no" }] })))).toEqual([{ key: "k", code: "permission_denied", message: "no" }]);
      for (const body of [Buffer.alloc(0), Buffer.from("[]"), Buffer.from(JSON.stringify({ errors: "none" })), Buffer.from(JSON.stringify({ deleted: {} }))]) {
        expect(() => parseDeleteErrors(body)).toThrow(expect.objectContaining({ code: "Unexpected", retryable: true }));
      }
    });
  },
});
