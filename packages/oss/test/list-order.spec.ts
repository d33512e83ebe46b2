import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type ListMode, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "@stowage/memory";
import "../src/index.js";

// U+1F600 is a surrogate pair in UTF-16 (D83D DE00) but sorts after U+E000..U+FFFF in UTF-8
// byte order: code-unit order (`<`) and byte order disagree on these keys.
// Dir mode merges OSS's two lists (objects, common prefixes) across that difference.
const KEYS = ["a\u{1F600}", "a\uE000", "a\uFFFD", "a\u{1F601}/x", "a\uE001/y", "a\uFF01", "a~", "a\u00e9", "a", "b/z"].map((k) => "o/" + k);

let emulator: Emulator;
let oss: Storager;
let memory: Storager;

async function paths(store: Storager, mode: ListMode, limit?: number, startAfter?: string): Promise<string[]> {
  const out: string[] = [];
  if (limit === undefined) {
    for await (const o of store.list("o/", { mode, ...(startAfter === undefined ? {} : { startAfter }) })) out.push(o.path);
    return out;
  }
  let token: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await store.listPage("o/", { mode, limit, ...(token === undefined ? {} : { token }) });
    out.push(...page.items.map((o) => o.path));
    token = page.nextToken;
    if (token === undefined) return out;
  }
  throw new Error("listing did not end within 100 pages");
}

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: ["order-bucket"] });
  oss = newStorager(emulator.connectionString("order-bucket", "/"));
  memory = newStorager("memory://");
  for (const k of KEYS) {
    await oss.write(k, "x");
    await memory.write(k, "x");
  }
});
afterAll(async () => {
  await emulator.stop();
});

describe("oss: listings come in UTF-8 byte order, whatever the page size", () => {
  const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

  it.each(["prefix", "dir"] as const)("%s mode: limits 1, 2, 3 and the full listing give memory's sequence", async (mode) => {
    const want = await paths(memory, mode);
    expect([...want].sort(byteOrder)).toEqual(want);
    expect(want.indexOf(mode === "dir" ? "o/a\uE001/" : "o/a\uE001/y")).toBeLessThan(want.indexOf("o/a\u{1F600}"));
    for (const limit of [undefined, 1, 2, 3]) expect({ limit, got: await paths(oss, mode, limit) }).toEqual({ limit, got: want });
  });

  it("startAfter the last path seen yields exactly the rest, nothing again", async () => {
    const all = await paths(memory, "prefix");
    for (let i = 0; i < all.length; i++) {
      expect({ after: all[i], got: await paths(oss, "prefix", undefined, all[i]) }).toEqual({ after: all[i], got: all.slice(i + 1) });
    }
  });

  it("in-progress uploads come in the same order", async () => {
    const ids: string[] = [];
    const keys = ["o/u\u{1F600}", "o/u\uE000", "o/u~"];
    for (const k of keys) ids.push((await oss.createMultipart(k)).multipartId!);
    try {
      for (const limit of [1, 2, 3]) {
        const got: string[] = [];
        let token: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await oss.listPage("o/u", { mode: "part", limit, ...(token === undefined ? {} : { token }) });
          got.push(...page.items.map((o) => o.path));
          token = page.nextToken;
          if (token === undefined) break;
        }
        expect({ limit, got }).toEqual({ limit, got: [...keys].sort(byteOrder) });
      }
    } finally {
      for (let i = 0; i < keys.length; i++) await oss.delete(keys[i]!, { multipartId: ids[i]! });
    }
  });
});
