import { expect } from "@jest/globals";
import type { WriteOptions } from "@stowage/core";
import type { CaseScope, Suite } from "../context.js";
import { collect, expectError, expectIterationError, randomData } from "../fixtures.js";

const CONTENT_TYPE = "application/x-stowage-test";
const METADATA = { color: "blue", "Owner-Name": "Ann" };
const METADATA_LOWER = { color: "blue", "owner-name": "Ann" };

/** Casts an invalid value past the types: these cases check run-time validation. */
function bad<T>(value: unknown): T {
  return value as T;
}

/**
 * For a case that needs userMetadata and contentType (and `op`'s own flag): each of the two the
 * storage lacks is refused by `op` with `PairUnsupported` and nothing is stored (an overwrite leaves
 * the old bytes, a copy makes no destination, createMultipart leaves no upload).
 */
function refuseLacking(op: "write" | "createMultipart" | "copy"): (t: CaseScope) => Promise<void> {
  return async (t) => {
    const f = t.store.features;
    if (op === "createMultipart" && !f.multipart) return void (await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient"));
    if (op === "copy" && !f.copy) return void (await expectError(() => t.store.copy(t.key(), t.key()), "CapabilityInsufficient"));
    const lacking: WriteOptions[] = [...(f.userMetadata ? [] : [{ metadata: METADATA }]), ...(f.contentType ? [] : [{ contentType: CONTENT_TYPE }])];
    expect(lacking.length).toBeGreaterThan(0);
    for (const options of lacking) {
      const path = t.key();
      const data = randomData(10);
      if (op === "createMultipart") {
        await expectError(() => t.store.createMultipart(path, options), "PairUnsupported");
        if (f.listMultipartUploads) expect((await collect(t.store.list(path, { mode: "part" }))).filter((u) => u.path === path)).toEqual([]);
        continue;
      }
      await t.store.write(path, data);
      if (op === "write") {
        await expectError(() => t.store.write(path, randomData(5), options), "PairUnsupported");
        expect((await t.store.read(path)).equals(data)).toBe(true);
      } else {
        const dst = t.key();
        await expectError(() => t.store.copy(path, dst, options), "PairUnsupported");
        await expectError(() => t.store.stat(dst), "ObjectNotExist");
      }
    }
  };
}

/**
 * Options ("pairs"): unknown options are refused (go-storage's strict default, §3.5)
 * unless the storager is loose, bad values are InvalidArgument, missing required ones
 * are PairRequired, errors carry their context, and content type and user metadata
 * round-trip where the features say so (§7.11.5).
 */
export function registerPairCases(suite: Suite): void {
  suite.test("write: an unknown option rejects with PairUnsupported (a pair of some service the write does not take is dropped when loose) and creates nothing", async (t) => {
    const path = t.key();
    // A name no service defines (a typo) is refused even when loose: it must not vanish silently.
    await expectError(() => t.store.write(path, randomData(3), bad({ bogus: 1 })), "PairUnsupported");
    await expectError(() => t.store.stat(path), "ObjectNotExist");
    if (t.store.features.loosePair) {
      // `expires` is presign's pair: dropped here.
      await t.store.write(path, randomData(3), bad({ expires: 60 }));
      expect((await t.store.stat(path)).size).toBe(3);
      return;
    }
    await expectError(() => t.store.write(path, randomData(3), bad({ expires: 60 })), "PairUnsupported");
    await expectError(() => t.store.stat(path), "ObjectNotExist");
  });

  suite.test("stat, read, delete, list: an unknown option rejects with PairUnsupported (unless loose and a pair of some service)", async (t) => {
    const path = t.key();
    const data = randomData(3);
    await t.store.write(path, data);
    if (t.store.features.loosePair) {
      await expectError(() => t.store.stat(path, bad({ bogus: 1 })), "PairUnsupported");
      await expectIterationError(() => t.store.list("", bad({ bogus: 1 })), "PairUnsupported");
      // Another operation's pair is dropped: each call does what it does without it.
      const other = { expires: 60 } as object;
      expect((await t.store.stat(path, other)).size).toBe(3);
      expect((await t.store.read(path, other)).equals(data)).toBe(true);
      expect((await collect(t.store.list("", other))).map((o) => o.path)).toContain(path);
      expect((await t.store.listPage("", other)).items.length).toBeGreaterThan(0);
      await t.store.delete(path, other);
      await expectError(() => t.store.stat(path), "ObjectNotExist");
      return;
    }
    await expectError(() => t.store.stat(path, bad({ expires: 60 })), "PairUnsupported");
    await expectError(() => t.store.stat(path, bad({ bogus: 1 })), "PairUnsupported");
    await expectError(() => t.store.read(path, bad({ bogus: 1 })), "PairUnsupported");
    await expectError(() => t.store.delete(path, bad({ bogus: 1 })), "PairUnsupported");
    await expectIterationError(() => t.store.list("", bad({ bogus: 1 })), "PairUnsupported");
    await expectError(() => t.store.listPage("", bad({ bogus: 1 })), "PairUnsupported");
    expect((await t.store.stat(path)).size).toBe(3);
  });

  suite.test("read: bad offset or size values reject with InvalidArgument", async (t) => {
    const path = t.key();
    await t.store.write(path, randomData(100));
    for (const options of [{ offset: -1 }, { size: -1 }, { offset: 1.5 }, { size: Number.NaN }, { size: bad<number>("10") }]) {
      // Values are checked before the capability: InvalidArgument with readRange or without.
      await expectError(() => t.store.read(path, options), "InvalidArgument");
    }
  });

  suite.test("write: bad option values reject with InvalidArgument and create nothing", async (t) => {
    const path = t.key();
    const cases: WriteOptions[] = [
      { size: -1 },
      { size: 2.5 },
      { onProgress: bad("not a function") },
      { signal: bad("not a signal") },
      { partSize: -1 },
    ];
    if (t.store.features.contentType) cases.push({ contentType: bad(42) });
    if (t.store.features.userMetadata) cases.push({ metadata: bad("color=blue") }, { metadata: bad({ n: 1 }) });
    for (const options of cases) await expectError(() => t.store.write(path, randomData(10), options), "InvalidArgument");
    await expectError(() => t.store.stat(path), "ObjectNotExist");
  });

  suite.test("list: an unknown mode or a bad limit rejects with InvalidArgument", async (t) => {
    await expectIterationError(() => t.store.list("", { mode: bad("sideways") }), "InvalidArgument");
    await expectError(() => t.store.listPage("", { limit: 0 }), "InvalidArgument");
    await expectError(() => t.store.listPage("", { limit: -3 }), "InvalidArgument");
  });

  suite.gated(
    "presign, writeMultipart: a missing required option rejects with PairRequired",
    ["presignRead", "multipart"],
    async (t) => {
      await expectError(() => t.store.presign("read", t.key(), bad({})), "PairRequired");
      const path = t.key();
      const o = await t.store.createMultipart(path);
      t.defer(() => t.store.delete(path, { multipartId: o.multipartId as string }));
      await expectError(() => t.store.writeMultipart(o, randomData(5), bad({})), "PairRequired");
    },
    async (t) => {
      const f = t.store.features;
      if (!f.presignRead) await expectError(() => t.store.presign("read", t.key(), { expires: 60 }), "CapabilityInsufficient");
      if (!f.multipart) await expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient");
    },
  );

  suite.test("errors: carry op, service and the caller's path", async (t) => {
    const path = t.key();
    const e = await expectError(() => t.store.read(path), "ObjectNotExist");
    expect(e.op).toBe("read");
    expect(e.service).toBe(t.store.info.service);
    expect([e.path].flat()).toContain(path);
    expect(e.retryable).toBe(false);
  });

  suite.gated(
    "write: contentType round-trips through stat",
    ["contentType"],
    async (t) => {
      const path = t.key();
      await t.store.write(path, randomData(10), { contentType: CONTENT_TYPE });
      expect((await t.store.stat(path)).contentType).toBe(CONTENT_TYPE);
    },
    async (t) => {
      await expectError(() => t.store.write(t.key(), randomData(1), { contentType: CONTENT_TYPE }), "PairUnsupported");
    },
  );

  suite.gated(
    "write: user metadata round-trips through stat with lower-case keys",
    ["userMetadata"],
    async (t) => {
      const path = t.key();
      await t.store.write(path, randomData(10), { metadata: METADATA });
      expect((await t.store.stat(path)).metadata).toEqual(METADATA_LOWER);
    },
    async (t) => {
      await expectError(() => t.store.write(t.key(), randomData(1), { metadata: METADATA }), "PairUnsupported");
    },
  );

  suite.gated(
    "write: overwriting without metadata or contentType drops the old ones",
    ["userMetadata", "contentType"],
    async (t) => {
      const path = t.key();
      await t.store.write(path, randomData(10), { metadata: METADATA, contentType: CONTENT_TYPE });
      await t.store.write(path, randomData(5));
      const o = await t.store.stat(path);
      expect(o.metadata ?? {}).toEqual({});
      expect(o.contentType).not.toBe(CONTENT_TYPE);
    },
    refuseLacking("write"),
  );

  suite.gated(
    "completeMultipart: contentType and metadata given to createMultipart reach the object",
    ["multipart", "userMetadata", "contentType"],
    async (t) => {
      const path = t.key();
      const o = await t.store.createMultipart(path, { contentType: CONTENT_TYPE, metadata: METADATA });
      t.defer(() => t.store.delete(path, { multipartId: o.multipartId as string }));
      const part = await t.store.writeMultipart(o, randomData(100), { index: 0 });
      await t.store.completeMultipart(o, [part]);
      const s = await t.store.stat(path);
      expect(s.contentType).toBe(CONTENT_TYPE);
      expect(s.metadata).toEqual(METADATA_LOWER);
    },
    refuseLacking("createMultipart"),
  );

  suite.gated(
    "copy: keeps contentType and user metadata",
    ["copy", "userMetadata", "contentType"],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      await t.store.write(src, randomData(10), { metadata: METADATA, contentType: CONTENT_TYPE });
      await t.store.copy(src, dst);
      const o = await t.store.stat(dst);
      expect(o.contentType).toBe(CONTENT_TYPE);
      expect(o.metadata).toEqual(METADATA_LOWER);
    },
    refuseLacking("copy"),
  );

  suite.gated(
    "list: listed objects carry path, mode and size at least",
    ["listPrefix"],
    async (t: CaseScope) => {
      const base = t.dir();
      const path = t.key(base);
      await t.store.write(path, randomData(42), t.store.features.contentType ? { contentType: CONTENT_TYPE } : {});
      const [o] = await collect(t.store.list(base, { mode: "prefix" }));
      expect(o?.path).toBe(path);
      expect(o?.mode).toBe("file");
      expect(o?.size).toBe(42);
    },
    async (t) => {
      await expectIterationError(() => t.store.list(t.dir(), { mode: "prefix" }), "CapabilityInsufficient");
    },
  );
}
