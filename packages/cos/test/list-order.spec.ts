import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type ObjectInfo } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { parseListObjects } from "../src/responses.js";

/** Keys in UTF-8 byte order: ASCII, then U+FF01 (3 bytes, but 1 UTF-16 unit above the surrogates), then an emoji (4 bytes). */
const KEYS = ["z", "\uFF01x", "\u{1F600}x"];
const byteOrder = (keys: string[]): string[] => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe("cos list pages are in key (byte) order", () => {
  it("the byte order of the keys is not their UTF-16 order", () => {
    expect(byteOrder(KEYS)).toEqual(KEYS);
    expect([...KEYS].sort()).not.toEqual(KEYS);
  });

  it("a page is sorted by bytes, and a truncated page without NextMarker continues after its greatest key", async () => {
    const contents = [...KEYS]
      .reverse()
      .map((k) => `<Contents><Key>${encodeURIComponent(k)}</Key><Size>1</Size><ETag>"e"</ETag></Contents>`)
      .join("");
    const xml = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>${contents}</ListBucketResult>`;
    const page = await parseListObjects(Buffer.from(xml));
    expect(page.items.map((o) => o.key)).toEqual(KEYS);
    expect(page.nextMarker).toBe("\u{1F600}x");
  });

  describe("on the emulator", () => {
    const BUCKET = "order-1250000000";
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
    });
    afterAll(async () => {
      await emulator.stop();
    });

    it("lists emoji and full-width keys in the same order whole and paged", async () => {
      const store = newStorager(emulator.connectionString(BUCKET, `/${randomUUID()}/`));
      for (const k of KEYS) await store.write(k, "1");
      const all: string[] = [];
      for await (const o of store.list("", { mode: "prefix" }) as AsyncIterable<ObjectInfo>) all.push(o.path);
      expect(all).toEqual(KEYS);
      const paged: string[] = [];
      let token: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await store.listPage("", { mode: "prefix", limit: 2, ...(token ? { token } : {}) });
        paged.push(...page.items.map((o) => o.path));
        token = page.nextToken;
        if (token === undefined) break;
      }
      expect(paged).toEqual(KEYS);
      await store.deleteMany(KEYS);
    });
  });
});
