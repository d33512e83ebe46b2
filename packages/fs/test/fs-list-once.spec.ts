import { promises as realFs } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// A listing reads and sorts each directory once for its whole life, not once per page: the walk
// is kept between pages (list-cursors.ts), the page's token naming it. The directory reads are
// counted by wrapping node:fs/promises `readdir`. A token whose walk is gone (another storager,
// another process) still goes on, walking afresh from the key it holds: the same keys.

let reads = 0;
jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  readdir: (...args: Parameters<typeof realFs.readdir>) => {
    reads++;
    return realFs.readdir(...args);
  },
}));

const { newStorager } = await import("@stowage/core");
await import("../src/index.js");
const { sandbox } = await import("./setup.js");
const { waitFor } = await import("./helpers.js");

let s: Awaited<ReturnType<typeof sandbox>>;
beforeEach(async () => {
  s = await sandbox();
  reads = 0;
});
afterEach(async () => {
  await s.cleanup();
});

/** Files `<dir>/f00`… holding "v". */
async function fill(dir: string, count: number): Promise<string[]> {
  await realFs.mkdir(join(s.root, dir), { recursive: true });
  const made: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${dir}/f${String(i).padStart(2, "0")}`;
    await realFs.writeFile(join(s.root, name), "v");
    made.push(name);
  }
  return made;
}

/** Every path a listing gives. */
async function listed(store: ReturnType<typeof newStorager>, path: string, options: Record<string, unknown>): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(path, options)) out.push(o.path);
  return out;
}

describe("fs listing: each directory read once per listing", () => {
  it("a prefix listing of 40 files in pages of 4 reads its two directories once each; a dir listing its one", async () => {
    const files = [...(await fill("d", 30)), ...(await fill("d/s", 10))].sort();
    const store = newStorager(`fs://${s.root}/`);
    reads = 0;
    expect(await listed(store, "d/", { mode: "prefix", limit: 4 })).toEqual(files);
    expect(reads).toBe(2);
    reads = 0;
    expect(await listed(store, "d/", { mode: "dir", limit: 4 })).toEqual([...files.filter((f) => !f.startsWith("d/s/")), "d/s/"].sort());
    expect(reads).toBe(1);
  });

  it("listPage with each page's token goes on with the kept walk; a token whose walk is gone walks afresh, to the same keys", async () => {
    const files = await fill("d", 12);
    const store = newStorager(`fs://${s.root}/`);
    reads = 0;
    const first = await store.listPage("d/", { mode: "prefix", limit: 5 });
    const second = await store.listPage("d/", { mode: "prefix", limit: 5, token: first.nextToken! });
    expect(reads).toBe(1);
    // Another storager keeps no walk of this listing: it reads the directory again, and goes on from the key.
    const other = newStorager(`fs://${s.root}/`);
    const elsewhere = await other.listPage("d/", { mode: "prefix", limit: 5, token: first.nextToken! });
    expect(reads).toBe(2);
    expect(elsewhere.items.map((o) => o.path)).toEqual(second.items.map((o) => o.path));
    // The first page's token again, once its walk went on: walked afresh, the same page.
    const again = await store.listPage("d/", { mode: "prefix", limit: 5, token: first.nextToken! });
    expect(again.items.map((o) => o.path)).toEqual(second.items.map((o) => o.path));
    const third = await store.listPage("d/", { mode: "prefix", limit: 5, token: second.nextToken! });
    expect(third.nextToken).toBeUndefined();
    expect([...first.items, ...second.items, ...third.items].map((o) => o.path)).toEqual(files);
  });

  it("a later page sees an append's lock made after the directory was read: the file as committed", async () => {
    await fill("d", 6);
    const store = newStorager(`fs://${s.root}/`);
    const first = await store.listPage("d/", { mode: "prefix", limit: 2 });
    // An append to d/f05 starts: its first byte is in the file, its lock beside it.
    const body = new PassThrough();
    const append = s.driver.writeAppend!(s.key("d/f05"), 1, { data: body, size: 2 }, {});
    body.write("1");
    await waitFor(async () => (await realFs.stat(join(s.root, "d/f05"))).size === 2);
    // The same listing goes on: its walk read d/ before the lock was made.
    const rest: Array<[string, number | undefined]> = [];
    for await (const o of store.list("d/", { mode: "prefix", limit: 2, token: first.nextToken! })) rest.push([o.path, o.size]);
    expect(rest).toEqual([
      ["d/f02", 1],
      ["d/f03", 1],
      ["d/f04", 1],
      ["d/f05", 1],
    ]);
    body.end("2");
    await expect(append).resolves.toEqual({ appendOffset: 3 });
  });
});
