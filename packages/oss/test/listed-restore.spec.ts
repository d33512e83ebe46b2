// A listing entry of an archived object carries its restore as stat does: OSS lists it as
// `<RestoreInfo>` in the words of the `x-oss-restore` header (ongoing-request="true", or "false"
// with the copy's expiry-date), and the driver reads both with core's parseRestoreHeader.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type ListMode, type ObjectInfo, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { parseListObjects } from "../src/responses.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("OSS ListObjectsV2 <RestoreInfo> on a saved body", () => {
  it("is each entry's restore: done with its expiry, under way, none; unreadable words claim nothing", async () => {
    const page = await parseListObjects(fixture("list-objects-v2-restore.xml"));
    expect(page.items.map((o) => [o.key, o.storageClass, o.restore])).toEqual([
      ["vault/2024 ledger.csv", "Archive", { ongoing: false, expiresAt: new Date("2024-06-10T16:30:00Z") }],
      ["vault/never-restored.bin", "DeepColdArchive", undefined],
      ["vault/thawing.tar", "ColdArchive", { ongoing: true }],
      // An expiry date that does not parse is left out, as on stat (core parseRestoreHeader).
      ["vault/unreadable-date", "Archive", { ongoing: false }],
      // No ongoing-request of true or false: no restore is claimed.
      ["vault/vendor-words", "Archive", undefined],
    ]);
    // The other fields are read as before.
    expect(page.items[2]).toMatchObject({ mode: "file", size: 31457280, etag: '"22222222222222222222222222222222-3"', system: { objectType: "Multipart" } });
    expect(page.nextToken).toBeUndefined();
  });

  it("an empty <RestoreInfo/> is no restore", async () => {
    const body = `<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>1</Size><StorageClass>Archive</StorageClass><RestoreInfo/></Contents></ListBucketResult>`;
    const [item] = (await parseListObjects(Buffer.from(body))).items;
    expect(item).toMatchObject({ key: "a", storageClass: "Archive" });
    expect(item!.restore).toBeUndefined();
  });
});

describe("oss on the emulator: listings carry the restore stat reports", () => {
  const BUCKET = "listed-restore";
  /** Less than the signatures' allowed clock skew: moving the emulator's clock on by it refuses no request. */
  const DELAY = 60_000;
  let offset = 0;
  let emulator: Emulator;
  let s: Storager;

  beforeAll(async () => {
    emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], clock: () => Date.now() + offset, restoreDelayMs: DELAY });
    s = newStorager(emulator.connectionString(BUCKET, "/wd/"));
  });
  afterAll(async () => {
    await emulator.stop();
  });

  /** The entries of `path` by path: through list, and through listPage in pages of 2. */
  async function listed(path: string, mode: ListMode): Promise<Map<string, ObjectInfo>> {
    const whole: ObjectInfo[] = [];
    for await (const o of s.list(path, { mode })) whole.push(o);
    const paged: ObjectInfo[] = [];
    let token: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await s.listPage(path, { mode, limit: 2, ...(token === undefined ? {} : { token }) });
      paged.push(...page.items);
      token = page.nextToken;
      if (token === undefined) break;
    }
    expect(paged).toEqual(whole);
    return new Map(whole.map((o) => [o.path, o]));
  }

  it("none before a restore, ongoing while under way, then done with stat's expiry; in prefix and dir mode", async () => {
    offset = 0;
    await s.write("cold/frozen", "frozen bytes", { storageClass: "Archive" });
    await s.write("cold/deep", "deep bytes", { storageClass: "ColdArchive" });
    await s.write("cold/warm", "warm bytes");
    await s.write("cold/sub/inner", "inner", { storageClass: "Archive" });
    for (const mode of ["prefix", "dir"] as const) {
      for (const o of (await listed("cold/", mode)).values()) expect([o.path, o.restore]).toEqual([o.path, undefined]);
    }

    await s.restore("cold/frozen", { days: 2 });
    await s.restore("cold/sub/inner", { days: 1 });
    const during = await listed("cold/", "prefix");
    expect(during.get("cold/frozen")).toMatchObject({ storageClass: "Archive", restore: { ongoing: true } });
    expect(during.get("cold/frozen")!.restore!.expiresAt).toBeUndefined();
    expect(during.get("cold/sub/inner")!.restore).toEqual({ ongoing: true });
    expect(during.get("cold/deep")!.restore).toBeUndefined();
    expect(during.get("cold/warm")!.restore).toBeUndefined();
    expect((await s.stat("cold/frozen")).restore).toEqual(during.get("cold/frozen")!.restore);

    offset = DELAY + 1000;
    const stated = (await s.stat("cold/frozen")).restore;
    expect(stated?.ongoing).toBe(false);
    expect(stated?.expiresAt).toBeInstanceOf(Date);
    for (const mode of ["prefix", "dir"] as const) {
      const done = await listed("cold/", mode);
      expect(done.get("cold/frozen")!.restore).toEqual(stated);
      expect(done.get("cold/deep")!.restore).toBeUndefined();
      // Dir mode lists the sub-directory, not what lies in it.
      if (mode === "dir") expect(done.get("cold/sub/")).toMatchObject({ mode: "dir" });
      else expect(done.get("cold/sub/inner")!.restore).toEqual((await s.stat("cold/sub/inner")).restore);
    }
    // One more day restored adds a day to the copy's expiry; the listing says so too.
    expect(await s.restore("cold/frozen", { days: 1 })).toEqual({ alreadyRestored: true });
    const extended = (await listed("cold/", "prefix")).get("cold/frozen")!.restore;
    expect(extended?.expiresAt?.getTime()).toBe(stated!.expiresAt!.getTime() + 24 * 3600 * 1000);
    offset = 0;
  });
});
