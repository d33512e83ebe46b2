import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isStorageError } from "../src/errors/storage-error.js";
import { chunkBody } from "../src/io/chunker.js";

async function* from(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

async function parts(chunks: Buffer[], size: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const p of chunkBody(from(chunks), size)) out.push(p);
  return out;
}

describe("chunkBody", () => {
  it("cuts into exact parts with a smaller last one", async () => {
    const out = await parts([Buffer.from("abcdefghij")], 4);
    expect(out.map((b) => b.toString())).toEqual(["abcd", "efgh", "ij"]);
  });

  it("joins small chunks and yields nothing for an empty source", async () => {
    const out = await parts(["ab", "c", "", "de", "f"].map((s) => Buffer.from(s)), 3);
    expect(out.map((b) => b.toString())).toEqual(["abc", "def"]);
    expect(await parts([], 3)).toEqual([]);
    expect(await parts([Buffer.alloc(0)], 3)).toEqual([]);
  });

  it("returns views, not copies, of parts inside one chunk", async () => {
    const big = Buffer.from("0123456789ab");
    const out = await parts([big], 4);
    expect(out.every((p) => p.buffer === big.buffer)).toBe(true);
    const exact = Buffer.from("wxyz");
    expect((await parts([exact], 4))[0]).toBe(exact);
  });

  it("rejects a bad part size", async () => {
    const e = await parts([Buffer.from("a")], 0).catch((x: unknown) => x);
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
  });

  it("pulls no more than it needs (holds at most one part)", async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield Buffer.alloc(10, i);
      }
    }
    const it = chunkBody(source(), 25);
    const first = await it.next();
    expect(first.value?.length).toBe(25);
    expect(pulled).toBe(3);
    await it.return();
  });

  it("preserves bytes for random chunkings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 20 }), fc.integer({ min: 1, max: 40 }), async (chunks, size) => {
        const input = chunks.map((c) => Buffer.from(c));
        const out = await parts(input, size);
        expect(Buffer.concat(out)).toEqual(Buffer.concat(input));
        out.forEach((p, i) => {
          if (i < out.length - 1) expect(p.length).toBe(size);
          else expect(p.length).toBeGreaterThan(0);
          expect(p.length).toBeLessThanOrEqual(size);
        });
      }),
      { numRuns: 200 },
    );
  });
});
