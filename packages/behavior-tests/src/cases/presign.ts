import { expect } from "@jest/globals";
import type { PresignedRequest, PresignOperation, PresignOptions } from "@stowage/core";
import type { CaseScope, Flag, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";
import { startUpload } from "./multipart.js";

/** Seconds the presigned requests of the suite stay valid. */
export const EXPIRES = 3600;

/** Sends a presigned request with global fetch, as any client without credentials would (its own body, if it has one). */
export async function send(req: PresignedRequest, body: Buffer | undefined = req.body === undefined ? undefined : Buffer.from(req.body, "utf8")): Promise<Response> {
  expect(["GET", "PUT", "POST", "DELETE"]).toContain(req.method);
  expect(() => new URL(req.url)).not.toThrow();
  const headers: Record<string, string> = {};
  // fetch derives these two from the URL and the body.
  for (const [k, v] of Object.entries(req.headers)) if (!/^(host|content-length)$/i.test(k)) headers[k] = v;
  return fetch(req.url, { method: req.method, headers, ...(body === undefined ? {} : { body }) });
}

const FLAG: Record<"read" | "write" | "delete", Flag> = { read: "presignRead", write: "presignWrite", delete: "presignDelete" };

/** A case for stores without `op`'s flag: presigning it is refused with `CapabilityInsufficient`. */
export function refuse(op: PresignOperation, options: Omit<PresignOptions, "expires"> = {}): (t: CaseScope) => Promise<void> {
  return async (t) => {
    await expectError(() => t.store.presign(op, t.key(), { expires: EXPIRES, ...options }), "CapabilityInsufficient");
  };
}

/** Ports the HTTP signer suite H1–H4 (§7.9), asserting HTTP statuses (§7.11.1); H5–H8 are in presign-multipart.ts. */
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
    "presign: read with response overrides — the service answers with the Content-Type and Content-Disposition asked for",
    ["presignRead", "responseOverrides"],
    async (t) => {
      const path = t.key();
      const data = randomData(321);
      await t.store.write(path, data, t.store.features.contentType ? { contentType: "application/octet-stream" } : {});
      const disposition = `attachment; filename="report 2026.bin"; filename*=UTF-8''r%C3%A9sum%C3%A9.bin`;
      const req = await t.store.presign("read", path, { expires: EXPIRES, responseContentType: "text/x-stowage", responseContentDisposition: disposition });
      const res = await send(req);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/x-stowage");
      expect(res.headers.get("content-disposition")).toBe(disposition);
      expectSameBytes(Buffer.from(await res.arrayBuffer()), data);
      // Header values the service could not echo, and other operations, are refused.
      await expectError(() => t.store.presign("read", path, { expires: EXPIRES, responseContentDisposition: 'attachment; filename="résumé.bin"' }), "InvalidArgument");
      await expectError(() => t.store.presign("read", path, { expires: EXPIRES, responseContentType: "text/plain\r\nx-evil: 1" }), "InvalidArgument");
      if (t.store.features.presignWrite) await expectError(() => t.store.presign("write", path, { expires: EXPIRES, responseContentType: "text/plain" }), "InvalidArgument");
    },
    async (t) => {
      if (!t.store.features.presignRead) await refuse("read")(t);
      else await expectError(() => t.store.presign("read", t.key(), { expires: EXPIRES, responseContentType: "text/plain" }), "PairUnsupported");
    },
  );

  suite.gated(
    "presign: read with the other response overrides — Cache-Control, Content-Encoding, Content-Language and Expires as asked for",
    ["presignRead", "responseOverrides"],
    async (t) => {
      const path = t.key();
      const data = randomData(123);
      await t.store.write(path, data);
      const asked = { cacheControl: "no-store, max-age=0", contentEncoding: "identity", contentLanguage: "de-CH", expires: "Fri, 01 Jan 2027 00:00:00 GMT" };
      const req = await t.store.presign("read", path, {
        expires: EXPIRES,
        responseCacheControl: asked.cacheControl,
        responseContentEncoding: asked.contentEncoding,
        responseContentLanguage: asked.contentLanguage,
        responseExpires: asked.expires,
      });
      const res = await send(req);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe(asked.cacheControl);
      expect(res.headers.get("content-encoding")).toBe(asked.contentEncoding);
      expect(res.headers.get("content-language")).toBe(asked.contentLanguage);
      expect(res.headers.get("expires")).toBe(asked.expires);
      expectSameBytes(Buffer.from(await res.arrayBuffer()), data);
      await expectError(() => t.store.presign("read", path, { expires: EXPIRES, responseContentLanguage: "d\u00e9" }), "InvalidArgument");
      if (t.store.features.presignWrite) await expectError(() => t.store.presign("write", path, { expires: EXPIRES, responseExpires: asked.expires }), "InvalidArgument");
    },
    async (t) => {
      if (!t.store.features.presignRead) await refuse("read", { responseCacheControl: "no-store" })(t);
      else await expectError(() => t.store.presign("read", t.key(), { expires: EXPIRES, responseCacheControl: "no-store" }), "PairUnsupported");
    },
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
