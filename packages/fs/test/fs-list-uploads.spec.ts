import { promises as realFs } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// listMultipartUploads on fs (multipart.ts listUploads, upload-index.ts): its order (key, then id),
// paging and token, prefix, what it leaves out (foreign entries in the staging directory, records
// that are none), and what changes between pages (uploads ended, records removed or replaced,
// uploads started). A paged listing reads each upload's record once, not once a page: record
// reads are counted by wrapping node:fs/promises `open` (every read of an `upload.json` opens it).

let recordOpens = 0;
jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  open: (path: string, flags?: string | number, mode?: number) => {
    if (String(path).endsWith("/upload.json")) recordOpens++;
    return realFs.open(path, flags, mode);
  },
}));

const { compareUploads, uploadToken } = await import("@stowage/core");
const { sandbox } = await import("./setup.js");
const { buf } = await import("./helpers.js");

let s: Awaited<ReturnType<typeof sandbox>>;
beforeEach(async () => {
  s = await sandbox();
  recordOpens = 0;
});
afterEach(async () => {
  await s.cleanup();
});

const staging = (...names: string[]): string => join(s.root, ".stowage-multipart", ...names);

/** One page of uploads under `prefix` (a key relative to the store), as `key:id` relative to the store. */
async function page(prefix: string, limit: number, token?: string): Promise<{ items: string[]; nextToken?: string }> {
  const got = await s.driver.listUploads({ prefix: s.key(prefix), limit, ...(token === undefined ? {} : { token }) }, {});
  const items = got.items.map((o) => `${o.key.slice(s.key("").length)}:${o.multipartId}`);
  return got.nextToken === undefined ? { items } : { items, nextToken: got.nextToken };
}

/** Every upload under `prefix`, page by page of `limit`; the pages' sizes too. */
async function all(prefix: string, limit: number): Promise<{ items: string[]; pages: number[] }> {
  const items: string[] = [];
  const pages: number[] = [];
  let token: string | undefined;
  do {
    const got = await page(prefix, limit, token);
    items.push(...got.items);
    pages.push(got.items.length);
    token = got.nextToken;
  } while (token !== undefined);
  return { items, pages };
}

/** Starts uploads to `keys` (relative to the store); resolves with `key:id` of each, in listing order. */
async function start(keys: string[]): Promise<string[]> {
  const made: { key: string; id: string }[] = [];
  for (const key of keys) made.push({ key, id: (await s.driver.createMultipart(s.key(key), {})).multipartId });
  return made.sort(compareUploads).map((u) => `${u.key}:${u.id}`);
}

const idOf = (item: string): string => item.slice(item.lastIndexOf(":") + 1);

describe("fs listMultipartUploads: order, paging, prefix", () => {
  it("lists by key (code point order) then id, in pages of the limit, each token the last upload's", async () => {
    const expected = await start(["b", "a/x", "a", "b", "\u{1F600}", "\uFFFD", "a/x", "c"]);
    const first = await page("", 3);
    expect(first.items).toEqual(expected.slice(0, 3));
    const [key, id] = expected[2]!.split(":");
    expect(first.nextToken).toBe(uploadToken({ key: s.key(key!), id: id! }));
    const listed = await all("", 3);
    expect(listed).toEqual({ items: expected, pages: [3, 3, 2] });
    // A last page that is exactly full has no token after it.
    expect(await all("", 4)).toEqual({ items: expected, pages: [4, 4] });
    expect(await all("", 100)).toEqual({ items: expected, pages: [8] });
  });

  it("lists only the uploads whose key starts with the prefix", async () => {
    const expected = await start(["p/1", "p/2", "p/2", "p", "q/1", "p0"]);
    const underP = expected.filter((u) => u.startsWith("p/"));
    expect(await all("p/", 2)).toEqual({ items: underP, pages: [2, 1] });
    expect((await all("p", 1)).items).toEqual(expected.filter((u) => u.startsWith("p")));
    expect(await all("nothing/", 2)).toEqual({ items: [], pages: [0] });
  });
});

describe("fs listMultipartUploads: changes between pages", () => {
  it("leaves out uploads aborted or completed after the page before, and lists one started after it", async () => {
    const made = await start(["k1", "k2", "k3", "k4", "k5", "k6"]);
    const first = await page("", 2);
    expect(first.items).toEqual(made.slice(0, 2));
    await s.driver.abortMultipart(s.key("k3"), idOf(made[2]!), {});
    const p0 = await s.driver.writePart(s.key("k4"), idOf(made[3]!), 0, buf("x"), {});
    await s.driver.completeMultipart(s.key("k4"), idOf(made[3]!), [p0], {});
    const [late] = await start(["k55"]);
    let token = first.nextToken;
    const after: string[] = [];
    while (token !== undefined) {
      const got = await page("", 2, token);
      after.push(...got.items);
      token = got.nextToken;
    }
    expect(after).toEqual([made[4]!, late!, made[5]!]);
  });

  it("leaves out an upload whose directory another process removed, and one whose record alone was removed (its directory kept)", async () => {
    const made = await start(["a", "b", "c", "d"]);
    const first = await page("", 1);
    await realFs.rm(staging(idOf(made[1]!)), { recursive: true });
    // What an abort leaves when someone else's file is in the upload's directory: the record gone, the directory kept.
    await realFs.writeFile(staging(idOf(made[2]!), "someone-elses"), "x");
    await realFs.unlink(staging(idOf(made[2]!), "upload.json"));
    const second = await page("", 1, first.nextToken);
    expect(second).toEqual({ items: [made[3]!] });
    expect((await all("", 1)).items).toEqual([made[0]!, made[3]!]);
  });

  it("leaves out an upload whose record was replaced by one that is none, and lists one replaced by another record under its new key", async () => {
    const made = await start(["a", "b", "c"]);
    const before = await page("", 1);
    expect((await all("", 10)).items).toEqual(made);
    await realFs.writeFile(staging(idOf(made[1]!), "upload.json.new"), "not json");
    await realFs.rename(staging(idOf(made[1]!), "upload.json.new"), staging(idOf(made[1]!), "upload.json"));
    const record = JSON.stringify({ key: s.key("z"), created: "2020-01-01T00:00:00.000Z" });
    await realFs.writeFile(staging(idOf(made[0]!), "upload.json.new"), record);
    await realFs.rename(staging(idOf(made[0]!), "upload.json.new"), staging(idOf(made[0]!), "upload.json"));
    expect(await page("", 10)).toEqual({ items: [made[2]!, `z:${idOf(made[0]!)}`] });
    // The listing begun before goes on in the order of the records as they are now.
    expect(await page("", 1, before.nextToken)).toEqual({ items: [made[2]!], nextToken: uploadToken({ key: s.key("c"), id: idOf(made[2]!) }) });
    expect(await all("", 1)).toEqual({ items: [made[2]!, `z:${idOf(made[0]!)}`], pages: [1, 1] });
  });
});

describe("fs listMultipartUploads: what is no upload", () => {
  it("skips foreign entries and records that are none, and lists an upload whose record appears later", async () => {
    const made = await start(["real"]);
    const pending = "0123456789abcdef0123456789abcdef";
    await realFs.mkdir(staging(pending));
    await realFs.mkdir(staging("not-an-id"));
    await realFs.writeFile(staging("not-an-id", "upload.json"), JSON.stringify({ key: s.key("x"), created: "2020-01-01T00:00:00Z" }));
    await realFs.writeFile(staging("fedcba9876543210fedcba9876543210"), "a file named as an id");
    const junk = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    await realFs.mkdir(staging(junk));
    await realFs.writeFile(staging(junk, "upload.json"), JSON.stringify({ key: 42 }));
    await realFs.symlink(staging(idOf(made[0]!)), staging("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
    expect(await all("", 1)).toEqual({ items: made, pages: [1] });
    // A directory made before its record (as create makes them) is no upload yet, but one once the record is there.
    await realFs.writeFile(staging(pending, "upload.json"), JSON.stringify({ key: s.key("later"), created: "2020-01-01T00:00:00Z" }));
    expect((await all("", 1)).items).toEqual([`later:${pending}`, ...made]);
  });
});

describe("fs listMultipartUploads: record reads", () => {
  it("reads each upload's record once over a whole paged listing, and not again in the next listing", async () => {
    const made = await start(Array.from({ length: 25 }, (_, i) => `r/${String(i % 7)}`));
    recordOpens = 0;
    const listed = await all("", 4);
    expect(listed.items).toEqual(made);
    expect(listed.pages).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(recordOpens).toBe(25);
    expect((await all("r/", 3)).items).toEqual(made);
    expect(recordOpens).toBe(25);
    // A new upload's record is read, and only it.
    const [more] = await start(["r/9"]);
    recordOpens = 0;
    expect((await all("", 10)).items).toEqual([...made, more!]);
    expect(recordOpens).toBe(1);
  });

  it("shares the reads of two listings at a time, both complete and in order", async () => {
    const made = await start(Array.from({ length: 20 }, (_, i) => `c/${String(i % 5)}`));
    recordOpens = 0;
    const [one, two] = await Promise.all([all("", 3), all("c/", 7)]);
    expect(one.items).toEqual(made);
    expect(two.items).toEqual(made);
    expect(recordOpens).toBe(20);
  });
});
