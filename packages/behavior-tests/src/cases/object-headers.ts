import { expect } from "@jest/globals";
import { OBJECT_HEADERS, type ObjectHeaders, type ObjectInfo, type WriteOptions } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectSameBytes, expectStorageErrorCode, randomData } from "../fixtures.js";
import { partSize } from "./multipart.js";
import { EXPIRES, send } from "./presign.js";

/** A value of each object header that every service stores and answers as given. */
const VALUES: Required<ObjectHeaders> = {
  cacheControl: "public, max-age=3600",
  contentDisposition: 'attachment; filename="report 2026.bin"',
  // A label only: the bytes below are random, and must come back as written (never decoded).
  contentEncoding: "gzip",
  httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT",
};

type Field = keyof ObjectHeaders;

/** The object headers `t`'s storage says it stores (each has a feature flag of its own name). */
function supported(t: CaseScope): Field[] {
  return OBJECT_HEADERS.map(([field]) => field).filter((field) => t.store.features[field]);
}

/** The object headers `t`'s storage lacks (each one given to an operation is `PairUnsupported`). */
function lacking(t: CaseScope): Field[] {
  return OBJECT_HEADERS.map(([field]) => field).filter((field) => !t.store.features[field]);
}

/** The values of `fields`, as write options. */
function valuesOf(fields: readonly Field[]): ObjectHeaders {
  return Object.fromEntries(fields.map((field) => [field, VALUES[field]]));
}

/** The object headers `o` reports. */
function headersOf(o: ObjectInfo | undefined): ObjectHeaders {
  return Object.fromEntries(OBJECT_HEADERS.filter(([field]) => o?.[field] !== undefined).map(([field]) => [field, o?.[field]]));
}

/** True when the storage holds no in-progress upload of `path` (where it can list them). */
async function noUploadOf(t: CaseScope, path: string): Promise<boolean> {
  if (!t.store.features.listMultipartUploads) return true;
  const uploads = await collect(t.store.list(path, { mode: "part" }));
  return uploads.every((u) => u.path !== path);
}

/** For a storage without multipart: `createMultipart` is refused. */
async function noMultipart(t: CaseScope): Promise<void> {
  await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
}

/**
 * Cache-Control, Content-Disposition, Content-Encoding and Expires (`ObjectHeaders`): each one a
 * storage's features name is stored by writes and reported by stat and by read's `onObject`;
 * one it lacks is refused (`PairUnsupported`) with nothing written. Where they go only with a write
 * in one request (`objectHeadersSingleWriteOnly`: QingStor's multipart uploads and appends take
 * none), the others refuse them before they start anything, never dropping them silently.
 */
export function registerObjectHeaderCases(suite: Suite): void {
  for (const [field] of OBJECT_HEADERS) {
    suite.gated(
      `write: ${field} round-trips through stat and read's onObject, the bytes as written`,
      [field],
      async (t) => {
        const path = t.key();
        const data = randomData(77);
        await t.store.write(path, data, { [field]: VALUES[field] });
        expect((await t.store.stat(path))[field]).toBe(VALUES[field]);
        let seen: ObjectInfo | undefined;
        const back = await t.store.read(path, { onObject: (o: ObjectInfo | undefined) => void (seen = o) });
        expectSameBytes(back, data);
        expect(seen?.[field]).toBe(VALUES[field]);
      },
      async (t) => {
        const path = t.key();
        await expectError(() => t.store.write(path, randomData(1), { [field]: VALUES[field] }), "PairUnsupported");
        await expectError(() => t.store.stat(path), "ObjectNotExist");
      },
    );
  }

  suite.test("write: bad object header values reject with InvalidArgument (PairUnsupported for a header the storage lacks) and create nothing", async (t) => {
    const path = t.key();
    for (const [field] of OBJECT_HEADERS) {
      for (const value of ["", "a\r\nx-evil: 1", "caf\u00e9", " padded", 42]) {
        await expectError(() => t.store.write(path, randomData(3), { [field]: value } as WriteOptions), t.store.features[field] ? "InvalidArgument" : "PairUnsupported");
      }
    }
    await expectError(() => t.store.stat(path), "ObjectNotExist");
  });

  suite.test("write: overwriting without the object headers drops the old ones (where there are none, an overwrite with one is refused)", async (t) => {
    const fields = supported(t);
    const path = t.key();
    if (fields.length === 0) {
      const data = randomData(10);
      await t.store.write(path, data);
      for (const field of lacking(t)) await expectError(() => t.store.write(path, randomData(5), { [field]: VALUES[field] }), "PairUnsupported");
      expectSameBytes(await t.store.read(path), data);
      expect(headersOf(await t.store.stat(path))).toEqual({});
      return;
    }
    await t.store.write(path, randomData(10), valuesOf(fields));
    expect(headersOf(await t.store.stat(path))).toEqual(valuesOf(fields));
    await t.store.write(path, randomData(5));
    expect(headersOf(await t.store.stat(path))).toEqual({});
  });

  suite.gated(
    "write: a multipart write stores the object headers (refuses them before any upload starts where they go only with single writes)",
    ["multipart"],
    async (t) => {
      const part = partSize(t);
      const data = randomData(2 * part + 100);
      for (const field of lacking(t)) {
        const path = t.key();
        await expectError(() => t.store.write(path, data, { [field]: VALUES[field], multipartThreshold: part, partSize: part }), "PairUnsupported");
        await expectError(() => t.store.stat(path), "ObjectNotExist");
        expect(await noUploadOf(t, path)).toBe(true);
      }
      for (const field of supported(t)) {
        const path = t.key();
        const options: WriteOptions = { [field]: VALUES[field], multipartThreshold: part, partSize: part };
        const done = await t.store.write(path, data, options).then(
          (r) => r,
          (e: unknown) => e,
        );
        if (t.store.features.objectHeadersSingleWriteOnly) {
          expectStorageErrorCode(done, "PairUnsupported");
          await expectError(() => t.store.stat(path), "ObjectNotExist");
          expect(await noUploadOf(t, path)).toBe(true);
          continue;
        }
        if (done instanceof Error) throw done;
        expect((done as { parts?: number }).parts).toBe(3);
        expect((await t.store.stat(path))[field]).toBe(VALUES[field]);
      }
    },
    noMultipart,
  );

  suite.gated(
    "createMultipart: the object headers reach the completed object (are refused with no upload left where they go only with single writes)",
    ["multipart"],
    async (t) => {
      for (const field of lacking(t)) {
        const path = t.key();
        await expectError(() => t.store.createMultipart(path, { [field]: VALUES[field] }), "PairUnsupported");
        expect(await noUploadOf(t, path)).toBe(true);
      }
      const fields = supported(t);
      if (fields.length === 0) return;
      const path = t.key();
      const started = await t.store.createMultipart(path, valuesOf(fields)).then(
        (o) => o,
        (e: unknown) => e,
      );
      if (t.store.features.objectHeadersSingleWriteOnly) {
        expectStorageErrorCode(started, "PairUnsupported");
        expect(await noUploadOf(t, path)).toBe(true);
        return;
      }
      if (started instanceof Error) throw started;
      const o = started as ObjectInfo;
      t.defer(() => t.store.delete(path, { multipartId: o.multipartId as string }));
      const part = await t.store.writeMultipart(o, randomData(100), { index: 0 });
      await t.store.completeMultipart(o, [part]);
      expect(headersOf(await t.store.stat(path))).toEqual(valuesOf(fields));
    },
    noMultipart,
  );

  suite.gated(
    "createAppend: the object headers reach the appended object (are refused with nothing created where they go only with single writes)",
    ["append"],
    async (t) => {
      for (const field of lacking(t)) {
        const path = t.key();
        await expectError(() => t.store.createAppend(path, { [field]: VALUES[field] }), "PairUnsupported");
        await expectError(() => t.store.stat(path), "ObjectNotExist");
      }
      const fields = supported(t);
      if (fields.length === 0) return;
      const path = t.key();
      const created = await t.store.createAppend(path, valuesOf(fields)).then(
        (o) => o,
        (e: unknown) => e,
      );
      if (t.store.features.objectHeadersSingleWriteOnly) {
        expectStorageErrorCode(created, "PairUnsupported");
        await expectError(() => t.store.stat(path), "ObjectNotExist");
        return;
      }
      if (created instanceof Error) throw created;
      await t.store.writeAppend(created as ObjectInfo, randomData(10));
      expect(headersOf(await t.store.stat(path))).toEqual(valuesOf(fields));
    },
    async (t) => {
      await expectError(() => t.store.createAppend(t.key()), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "copy: keeps the object headers (refuses one the storage lacks, copying nothing)",
    ["copy"],
    async (t) => {
      const fields = supported(t);
      const src = t.key();
      const dst = t.key();
      const data = randomData(10);
      await t.store.write(src, data, valuesOf(fields));
      for (const field of lacking(t)) await expectError(() => t.store.copy(src, dst, { [field]: VALUES[field] }), "PairUnsupported");
      await expectError(() => t.store.stat(dst), "ObjectNotExist");
      await t.store.copy(src, dst);
      expect(headersOf(await t.store.stat(dst))).toEqual(valuesOf(fields));
      expectSameBytes(await t.store.read(dst), data);
    },
    async (t) => {
      await expectError(() => t.store.copy(t.key(), t.key()), "CapabilityInsufficient");
    },
  );

  suite.gated(
    "presign: a write sent with the headers it returns stores the object headers; other operations refuse them",
    ["presignWrite"],
    async (t) => {
      for (const field of lacking(t)) await expectError(() => t.store.presign("write", t.key(), { expires: EXPIRES, [field]: VALUES[field] }), "PairUnsupported");
      const fields = supported(t);
      if (fields.length === 0) return;
      const path = t.key();
      const data = randomData(64);
      const req = await t.store.presign("write", path, { expires: EXPIRES, ...valuesOf(fields) });
      const res = await send(req, data);
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
      expect(headersOf(await t.store.stat(path))).toEqual(valuesOf(fields));
      expectSameBytes(await t.store.read(path), data);
      if (t.store.features.presignRead) {
        await expectError(() => t.store.presign("read", path, { expires: EXPIRES, [fields[0] as Field]: VALUES[fields[0] as Field] }), "InvalidArgument");
      }
    },
    async (t) => {
      await expectError(() => t.store.presign("write", t.key(), { expires: EXPIRES, ...valuesOf(supported(t)) }), "CapabilityInsufficient");
    },
  );
}
