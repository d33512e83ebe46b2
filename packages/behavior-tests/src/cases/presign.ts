import { expect } from "@jest/globals";
import type { PresignedRequest, PresignOperation } from "@stowage/core";
import type { CaseScope, Flag, Suite } from "../context.js";
import { expectError, expectSameBytes, md5Base64, randomData } from "../fixtures.js";
import { partSize, startUpload } from "./multipart.js";

const EXPIRES = 3600;

/** Sends a presigned request with global fetch, as any client without credentials would. */
async function send(req: PresignedRequest, body?: Buffer): Promise<Response> {
  expect(typeof req.method).toBe("string");
  expect(() => new URL(req.url)).not.toThrow();
  const headers: Record<string, string> = {};
  // fetch derives these two from the URL and the body.
  for (const [k, v] of Object.entries(req.headers)) if (!/^(host|content-length)$/i.test(k)) headers[k] = v;
  return fetch(req.url, { method: req.method, headers, ...(body === undefined ? {} : { body }) });
}

const FLAG: Record<PresignOperation, Flag> = { read: "presignRead", write: "presignWrite", delete: "presignDelete", writeMultipart: "presignWriteMultipart" };

function refuse(op: PresignOperation): (t: CaseScope) => Promise<void> {
  return async (t) => {
    await expectError(() => t.store.presign(op, t.key(), { expires: EXPIRES }), "CapabilityInsufficient");
  };
}

/**
 * Ports the HTTP signer suites H1–H4 (§7.9) asserting HTTP statuses (§7.11.1), and H6 (a part's
 * upload; creating, listing and completing uploads are not presigned: the holder of the
 * credentials does those).
 */
export function registerPresignCases(suite: Suite): void {
  suite.gated(
    "presign: read — a plain GET returns 200 and the bytes (H1)",
    ["presignRead"],
    async (t) => {
      const path = t.key();
      const data = randomData(2345);
      await t.store.write(path, data);
      const res = await send(await t.store.presign("read", path, { expires: EXPIRES }));
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(Number(res.headers.get("content-length"))).toBe(2345);
      expectSameBytes(body, data);
    },
    refuse("read"),
  );

  suite.gated(
    "presign: read with offset and size returns that range",
    ["presignRead"],
    async (t) => {
      const path = t.key();
      const data = randomData(3000);
      await t.store.write(path, data);
      const res = await send(await t.store.presign("read", path, { expires: EXPIRES, offset: 100, size: 50 }));
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
      expectSameBytes(Buffer.from(await res.arrayBuffer()), data.subarray(100, 150));
    },
    refuse("read"),
  );

  suite.gated(
    "presign: write — a PUT of the bytes returns 2xx and stores them (H2)",
    ["presignWrite"],
    async (t) => {
      const path = t.key();
      const data = randomData(4567);
      const res = await send(await t.store.presign("write", path, { expires: EXPIRES, size: data.length }), data);
      await res.arrayBuffer();
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
      expect((await t.store.stat(path)).size).toBe(data.length);
      expectSameBytes(await t.store.read(path), data);
    },
    refuse("write"),
  );

  suite.gated(
    "presign: delete — the request returns 204 and the object is gone (H3)",
    ["presignDelete"],
    async (t) => {
      const path = t.key();
      await t.store.write(path, randomData(10));
      const res = await send(await t.store.presign("delete", path, { expires: EXPIRES }));
      await res.arrayBuffer();
      expect(res.status).toBe(204);
      await expectError(() => t.store.stat(path), "ObjectNotExist");
    },
    refuse("delete"),
  );

  suite.gated(
    "presign: delete with multipartId aborts the upload (H4)",
    ["presignDelete", "multipart"],
    async (t) => {
      const path = t.key();
      const o = await startUpload(t, path);
      const multipartId = o.multipartId as string;
      const res = await send(await t.store.presign("delete", path, { expires: EXPIRES, multipartId }));
      await res.arrayBuffer();
      expect(res.status).toBe(204);
      await expectError(() => t.store.stat(path, { multipartId }), "ObjectNotExist");
    },
    async (t) => {
      if (!t.store.features.presignDelete) await refuse("delete")(t);
      else await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "presign: writeMultipart — parts sent with plain PUTs complete into the object (H6)",
    ["presignWriteMultipart", "multipart"],
    async (t) => {
      const path = t.key();
      const o = await startUpload(t, path);
      const multipartId = o.multipartId as string;
      t.track(path);
      const chunks = [randomData(partSize(t)), randomData(777)];
      const parts = [];
      for (const [index, data] of chunks.entries()) {
        const req = await t.store.presign("writeMultipart", path, { expires: EXPIRES, multipartId, index, size: data.length, contentMd5: md5Base64(data) });
        const res = await send(req, data);
        await res.arrayBuffer();
        expect(res.status).toBeGreaterThanOrEqual(200); // 201 on QingStor
        expect(res.status).toBeLessThan(300);
        const etag = res.headers.get("etag");
        expect(etag).toBeTruthy();
        parts.push({ index, size: data.length, etag: etag as string });
      }
      const result = await t.store.completeMultipart(o, parts);
      expect(result.size).toBe(partSize(t) + 777);
      expectSameBytes(await t.store.read(path), Buffer.concat(chunks));
    },
    refuse("writeMultipart"),
  );

  suite.gated(
    "presign: writeMultipart — bytes that do not match the signed Content-MD5 are refused",
    ["presignWriteMultipart", "multipart"],
    async (t) => {
      const path = t.key();
      const o = await startUpload(t, path);
      const multipartId = o.multipartId as string;
      const data = randomData(1000);
      const req = await t.store.presign("writeMultipart", path, { expires: EXPIRES, multipartId, index: 0, size: data.length, contentMd5: md5Base64(data) });
      const other = Buffer.from(data);
      other[500] ^= 1;
      const res = await send(req, other);
      await res.arrayBuffer();
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const stored = [];
      for await (const part of t.store.listMultipart(o)) stored.push(part);
      expect(stored).toEqual([]);
    },
    refuse("writeMultipart"),
  );

  for (const op of ["read", "write", "delete"] as const) {
    suite.gated(
      `presign: ${op} with expires 0, negative or past the service limit rejects with InvalidArgument`,
      [FLAG[op]],
      async (t) => {
        const path = t.key();
        await expectError(() => t.store.presign(op, path, { expires: 0 }), "InvalidArgument");
        await expectError(() => t.store.presign(op, path, { expires: -5 }), "InvalidArgument");
        const max = t.store.features.limits.presignExpiresMaximum;
        if (max !== undefined) await expectError(() => t.store.presign(op, path, { expires: max + 1 }), "InvalidArgument");
      },
      refuse(op),
    );
  }
}
