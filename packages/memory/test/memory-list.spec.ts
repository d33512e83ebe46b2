import { describe, expect, it } from "@jest/globals";
import type { DriverListRequest, RawObject } from "@stowage/core";
import { MemoryStorageDriver } from "../src/storager.js";
import { MemoryStore } from "../src/store.js";
import { compareKeys } from "@stowage/core";
import { buf } from "./helpers.js";

async function seeded(keys: string[]): Promise<MemoryStorageDriver> {
  const d = new MemoryStorageDriver(new MemoryStore());
  for (const key of keys) {
    if (key.endsWith("/")) await d.createDir(key, {});
    else await d.write(key, buf(key), {});
  }
  return d;
}

/** Every item of a listing, page by page (bounded). */
async function all(d: MemoryStorageDriver, request: Omit<DriverListRequest, "token">): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await d.listPage(token === undefined ? request : { ...request, token }, {});
    expect(page.items.length).toBeLessThanOrEqual(request.limit);
    keys.push(...page.items.map((o: RawObject) => (o.mode === "dir" ? `${o.key}(dir)` : o.key)));
    token = page.nextToken;
    pages++;
  } while (token !== undefined && pages < 1000);
  return { keys, pages };
}

describe("memory driver: listing", () => {
  const tree = ["w/a.txt", "w/b/c.txt", "w/b/d/e.txt", "w/b.txt", "w/bc.txt", "w/empty/", "w/z", "x/outside"];

  it("lists one level with delimiter: files and sub-dirs (explicit and implied), sorted", async () => {
    const d = await seeded(tree);
    const { keys } = await all(d, { prefix: "w/", delimiter: "/", limit: 100 });
    expect(keys).toEqual(["w/a.txt", "w/b.txt", "w/b/(dir)", "w/bc.txt", "w/empty/(dir)", "w/z"]);
  });

  it("pages through one level without repeating a dir", async () => {
    const d = await seeded(tree);
    for (const limit of [1, 2, 3]) {
      const { keys } = await all(d, { prefix: "w/", delimiter: "/", limit });
      expect(keys).toEqual(["w/a.txt", "w/b.txt", "w/b/(dir)", "w/bc.txt", "w/empty/(dir)", "w/z"]);
    }
  });

  it("lists every file under a raw string prefix, without dirs", async () => {
    const d = await seeded(tree);
    expect((await all(d, { prefix: "w/", limit: 2 })).keys).toEqual(["w/a.txt", "w/b.txt", "w/b/c.txt", "w/b/d/e.txt", "w/bc.txt", "w/z"]);
    expect((await all(d, { prefix: "w/b", limit: 100 })).keys).toEqual(["w/b.txt", "w/b/c.txt", "w/b/d/e.txt", "w/bc.txt"]);
  });

  it("does not list the listed dir itself and returns nothing for a missing one", async () => {
    const d = await seeded(tree);
    expect((await all(d, { prefix: "w/empty/", delimiter: "/", limit: 10 })).keys).toEqual([]);
    expect((await all(d, { prefix: "nothing/", delimiter: "/", limit: 10 })).keys).toEqual([]);
  });

  it("gives no token on the last page and exact pages", async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `p/${String(i).padStart(2, "0")}`);
    const d = await seeded(keys);
    const first = await d.listPage({ prefix: "p/", limit: 25 }, {});
    expect(first.items).toHaveLength(25);
    expect(first.nextToken).toBeUndefined();
    const result = await all(d, { prefix: "p/", limit: 5 });
    expect(result.keys).toEqual(keys);
    expect(result.pages).toBe(5);
  });

  it("a listed file carries what a cloud listing does (size, etag, lastModified, storageClass), no other attribute; stat keeps them all", async () => {
    const d = await seeded([]);
    const attributes = { contentType: "text/csv", metadata: { k: "v" }, storageClass: "COLD", cacheControl: "no-cache", contentDisposition: "inline" };
    await d.write("l/f", buf("abc"), attributes);
    for (const delimiter of ["/" as const, undefined]) {
      const [item] = (await d.listPage(delimiter === undefined ? { prefix: "l/", limit: 5 } : { prefix: "l/", delimiter, limit: 5 }, {})).items;
      expect(Object.keys(item!).sort()).toEqual(["etag", "key", "lastModified", "mode", "size", "storageClass"]);
      expect(item).toMatchObject({ key: "l/f", mode: "file", size: 3, storageClass: "COLD" });
      expect(item!.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(item!.lastModified).toBeInstanceOf(Date);
    }
    const stat = await d.stat("l/f", {});
    expect(stat).toMatchObject({ ...attributes, size: 3 });
    expect(stat.crc64).toMatch(/^\d+$/);
    expect(stat.contentMd5).toBeDefined();
  });

  it("a listed append object carries its next append offset; a listed upload its id, date and storage class only", async () => {
    const d = await seeded([]);
    await d.createAppend("l/a", { contentType: "text/plain", metadata: { k: "v" } });
    await d.writeAppend("l/a", 0, buf("xyz"), {});
    const [append] = (await d.listPage({ prefix: "l/", limit: 5 }, {})).items;
    expect(Object.keys(append!).sort()).toEqual(["appendOffset", "etag", "key", "lastModified", "mode", "size"]);
    expect(append).toMatchObject({ mode: "append", size: 3, appendOffset: 3 });
    const { multipartId } = await d.createMultipart("l/u", { contentType: "text/plain", metadata: { k: "v" }, storageClass: "COLD" });
    const [upload] = (await d.listUploads({ prefix: "l/", limit: 5 }, {})).items;
    expect(upload).toEqual({ key: "l/u", mode: "part", multipartId, lastModified: expect.any(Date), storageClass: "COLD" });
    expect(await d.statMultipart("l/u", multipartId, {})).toMatchObject({ contentType: "text/plain", metadata: { k: "v" } });
  });

  it("sorts by code point (UTF-8 byte order)", async () => {
    const keys = ["u/\u{1F600}", "u/\uFF21", "u/a", "u/\u00e9"];
    const d = await seeded(keys);
    const listed = (await all(d, { prefix: "u/", limit: 1 })).keys;
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(listed).toEqual(byBytes);
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
  });
});
