import { expect } from "@jest/globals";
import type { ObjectInfo, Part, PresignOperation, PresignOptions } from "@stowage/core";
import type { CaseScope, Flag, Suite } from "../context.js";
import { collect, expectError, expectIterationError, expectSameBytes, md5Base64, randomData } from "../fixtures.js";
import { partSize, startUpload } from "./multipart.js";
import { EXPIRES, refuse, send } from "./presign.js";

/**
 * The case for stores that lack one of its flags: each missing capability is refused with
 * `CapabilityInsufficient` (the presign itself, multipart uploads, or listing them).
 */
function refuseMissing(op: PresignOperation, options: Omit<PresignOptions, "expires">): (t: CaseScope) => Promise<void> {
  const flag = `presign${op[0]!.toUpperCase()}${op.slice(1)}` as Flag;
  return async (t) => {
    if (!t.store.features[flag]) await refuse(op, options)(t);
    if (!t.store.features.multipart) await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
    if (op === "createMultipart" && !t.store.features.listMultipartUploads) {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "part" }), "CapabilityInsufficient");
    }
  };
}

/** Reads a response to the end and checks it succeeded (2xx; QingStor answers 201 to a part). */
async function expectOk(res: Response): Promise<string> {
  const text = await res.text();
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(300);
  return text;
}

/** Writes two parts (index 0 of the smallest part size, index 1 short) through the store; returns them and the bytes. */
async function writeTwoParts(t: CaseScope, o: ObjectInfo): Promise<{ parts: Part[]; data: Buffer }> {
  const chunks = [randomData(partSize(t)), randomData(321)];
  const parts: Part[] = [];
  for (const [index, data] of chunks.entries()) parts.push(await t.store.writeMultipart(o, data, { index }));
  return { parts, data: Buffer.concat(chunks) };
}

/** An ETag as services print it in listings: without quotes, lower case. */
function bareEtag(etag: string): string {
  return etag.replace(/^W\//, "").replace(/"/g, "").toLowerCase();
}

/**
 * Ports the multipart HTTP signer suite H5–H8 (§7.9), asserting statuses and what the service
 * then holds (go-storage only checked that the requests were sent): every step of an upload
 * can be handed to a client without credentials, as a URL, the headers to send and, for
 * complete, the body to send.
 */
export function registerPresignMultipartCases(suite: Suite): void {
  suite.gated(
    "presign: createMultipart — a plain POST starts an upload that part listing shows and that completes (H5)",
    ["presignCreateMultipart", "multipart", "listMultipartUploads"],
    async (t) => {
      const base = t.dir();
      const path = t.key(base);
      const req = await t.store.presign("createMultipart", path, { expires: EXPIRES, contentType: "text/x-stowage" });
      expect(req.method).toBe("POST");
      expect(req.body).toBeUndefined();
      await expectOk(await send(req));
      const uploads = await collect(t.store.list(base, { mode: "part" }));
      expect(uploads.map((o) => o.path)).toEqual([path]);
      const upload = uploads[0]!;
      const multipartId = upload.multipartId as string;
      expect(multipartId).toBeTruthy();
      t.defer(() => t.store.delete(path, { multipartId }));
      t.track(path);
      // The upload is a real one: parts go in, complete makes the object, with the signed content type.
      const data = randomData(1234);
      const part = await t.store.writeMultipart(upload, data, { index: 0 });
      await t.store.completeMultipart(upload, [part]);
      expectSameBytes(await t.store.read(path), data);
      if (t.store.features.contentType) expect((await t.store.stat(path)).contentType).toBe("text/x-stowage");
    },
    refuseMissing("createMultipart", {}),
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
        await expectOk(res);
        const etag = res.headers.get("etag");
        expect(etag).toBeTruthy();
        parts.push({ index, size: data.length, etag: etag as string });
      }
      const result = await t.store.completeMultipart(o, parts);
      expect(result.size).toBe(partSize(t) + 777);
      expectSameBytes(await t.store.read(path), Buffer.concat(chunks));
    },
    refuseMissing("writeMultipart", { multipartId: "u", index: 0 }),
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
      expect(await collect(t.store.listMultipart(o))).toEqual([]);
    },
    refuseMissing("writeMultipart", { multipartId: "u", index: 0 }),
  );

  suite.gated(
    "presign: listMultipart — a plain GET answers with the upload's parts (H7)",
    ["presignListMultipart", "multipart"],
    async (t) => {
      const path = t.key();
      const o = await startUpload(t, path);
      const { parts } = await writeTwoParts(t, o);
      const req = await t.store.presign("listMultipart", path, { expires: EXPIRES, multipartId: o.multipartId as string });
      expect(req.method).toBe("GET");
      // The service's own listing (XML or JSON): it names every part by its ETag.
      const listing = (await expectOk(await send(req))).toLowerCase();
      for (const part of parts) expect(listing).toContain(bareEtag(part.etag));
    },
    refuseMissing("listMultipart", { multipartId: "u" }),
  );

  suite.gated(
    "presign: completeMultipart — a plain POST of the given body completes the upload (H8)",
    ["presignCompleteMultipart", "multipart"],
    async (t) => {
      const path = t.key();
      const o = await startUpload(t, path);
      t.track(path);
      const { parts, data } = await writeTwoParts(t, o);
      const req = await t.store.presign("completeMultipart", path, { expires: EXPIRES, multipartId: o.multipartId as string, parts });
      expect(req.method).toBe("POST");
      expect(typeof req.body).toBe("string");
      // COS and OSS may answer 200 with an <Error> document; that is a failure too.
      expect(await expectOk(await send(req))).not.toMatch(/<Error>/);
      const s = await t.store.stat(path);
      expect(s.mode).toBe("file");
      expect(s.size).toBe(data.length);
      expectSameBytes(await t.store.read(path), data);
      await expectError(() => t.store.stat(path, { multipartId: o.multipartId as string }), "ObjectNotExist");
    },
    refuseMissing("completeMultipart", { multipartId: "u", parts: [{ index: 0, size: 1, etag: "e" }] }),
  );

  suite.gated(
    "presign: completeMultipart — a body naming a part the service does not hold is refused and completes nothing",
    ["presignCompleteMultipart", "multipart"],
    async (t) => {
      const path = t.key();
      const o = await startUpload(t, path);
      const { parts } = await writeTwoParts(t, o);
      const wrong = parts.map((p, i) => (i === 1 ? { ...p, etag: `"${"0".repeat(32)}"` } : p));
      const req = await t.store.presign("completeMultipart", path, { expires: EXPIRES, multipartId: o.multipartId as string, parts: wrong });
      const res = await send(req);
      const text = await res.text();
      expect(res.status >= 400 || /<Error>/.test(text)).toBe(true);
      await expectError(() => t.store.stat(path), "ObjectNotExist");
    },
    refuseMissing("completeMultipart", { multipartId: "u", parts: [{ index: 0, size: 1, etag: "e" }] }),
  );
}
