import { describe, expect, it } from "@jest/globals";
import { PassThrough, Readable } from "node:stream";
import { isStorageError } from "../src/errors/storage-error.js";
import { abortError, onAbort, raceAbort, throwIfAborted } from "../src/io/abort.js";
import { bodyChunks, bodySize, collectBody, limitBody, readUpTo, sizedBodyChunks } from "../src/io/body.js";

async function all(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of source) out.push(c);
  return out;
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

async function* gen(...chunks: Array<string | Buffer>): AsyncGenerator<Buffer> {
  for (const c of chunks) yield typeof c === "string" ? Buffer.from(c) : c;
}

describe("abort helpers", () => {
  it("abortError keeps an Error reason as cause", () => {
    const ac = new AbortController();
    const reason = new Error("timed out");
    ac.abort(reason);
    const e = abortError(ac.signal, { op: "write" });
    expect(e.code).toBe("Aborted");
    expect(e.op).toBe("write");
    expect((e.cause as Error).message).toBe("timed out");
    expect(abortError(undefined).cause).toBeUndefined();
  });

  it("throwIfAborted throws only once aborted", () => {
    const ac = new AbortController();
    expect(() => throwIfAborted(ac.signal)).not.toThrow();
    expect(() => throwIfAborted(undefined)).not.toThrow();
    ac.abort();
    expect(() => throwIfAborted(ac.signal)).toThrow(expect.objectContaining({ code: "Aborted" }));
  });

  it("onAbort calls once, unsubscribes, and fires at once on an aborted signal", () => {
    const ac = new AbortController();
    let calls = 0;
    const off = onAbort(ac.signal, () => calls++);
    const ac2 = new AbortController();
    let calls2 = 0;
    onAbort(ac2.signal, () => calls2++)();
    ac.abort();
    ac2.abort();
    off();
    expect(calls).toBe(1);
    expect(calls2).toBe(0);
    let now = 0;
    onAbort(ac.signal, () => now++);
    expect(now).toBe(1);
  });

  it("raceAbort rejects a never-settling promise when aborted", async () => {
    const ac = new AbortController();
    const p = raceAbort(new Promise<never>(() => {}), ac.signal);
    ac.abort();
    expect(isStorageError(await failure(p), "Aborted")).toBe(true);
    await expect(raceAbort(Promise.resolve(7), ac.signal)).rejects.toMatchObject({ code: "Aborted" });
    await expect(raceAbort(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });
});

describe("bodySize", () => {
  it("knows bytes and strings, not streams", () => {
    expect(bodySize(Buffer.alloc(5))).toBe(5);
    expect(bodySize(new Uint8Array(3))).toBe(3);
    expect(bodySize("héllo")).toBe(6);
    expect(bodySize(Readable.from([]))).toBeUndefined();
    expect(bodySize(gen("x"))).toBeUndefined();
  });
});

describe("bodyChunks", () => {
  it("reads strings as UTF-8 and bytes as Buffer views", async () => {
    expect(Buffer.concat(await all(bodyChunks("héllo"))).toString()).toBe("héllo");
    const backing = new Uint8Array([1, 2, 3, 4, 5]);
    const [view] = await all(bodyChunks(backing.subarray(1, 4)));
    expect(Buffer.isBuffer(view)).toBe(true);
    expect([...view!]).toEqual([2, 3, 4]);
    view![0] = 9; // same memory: no copy
    expect(backing[1]).toBe(9);
    expect(await all(bodyChunks(""))).toEqual([]);
    expect(await all(bodyChunks(Buffer.alloc(0)))).toEqual([]);
  });

  it("reads Readables and async iterables of Uint8Array", async () => {
    expect(Buffer.concat(await all(bodyChunks(Readable.from([Buffer.from("ab"), Buffer.from("cd")])))).toString()).toBe("abcd");
    async function* u8(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([104, 105]);
      yield new Uint8Array(0);
      yield new Uint8Array([33]);
    }
    const chunks = await all(bodyChunks(u8()));
    expect(chunks.every((c) => Buffer.isBuffer(c))).toBe(true);
    expect(Buffer.concat(chunks).toString()).toBe("hi!");
  });

  it("rejects non-byte chunks with InvalidArgument and destroys the stream", async () => {
    const stream = Readable.from([Buffer.from("ok"), 42], { objectMode: true });
    const e = await failure(all(bodyChunks(stream)));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect(stream.destroyed).toBe(true);
    expect(isStorageError(await failure(all(bodyChunks(42 as unknown as string))), "InvalidArgument")).toBe(true);
  });

  it("wraps a failing source as Unexpected with its cause", async () => {
    async function* bad(): AsyncGenerator<Buffer> {
      yield Buffer.from("a");
      throw new Error("disk gone");
    }
    const e = await failure(all(bodyChunks(bad())));
    expect(isStorageError(e, "Unexpected")).toBe(true);
    expect(((e as Error).cause as Error).message).toBe("disk gone");
  });

  it("aborts a stalled read promptly and destroys the Readable", async () => {
    const ac = new AbortController();
    const stream = new PassThrough();
    stream.write("first");
    const it = bodyChunks(stream, ac.signal);
    expect((await it.next()).value?.toString()).toBe("first");
    const pending = it.next();
    ac.abort();
    expect(isStorageError(await failure(pending), "Aborted")).toBe(true);
    expect(stream.destroyed).toBe(true);
  });

  it("fails at once on an already aborted signal", async () => {
    const ac = new AbortController();
    ac.abort();
    expect(isStorageError(await failure(all(bodyChunks("x", ac.signal))), "Aborted")).toBe(true);
  });

  it("destroys the Readable when the consumer stops early", async () => {
    const stream = Readable.from([Buffer.from("a"), Buffer.from("b"), Buffer.from("c")]);
    for await (const c of bodyChunks(stream)) {
      expect(c.toString()).toBe("a");
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});

describe("limitBody", () => {
  it("truncates a longer source and closes it", async () => {
    const stream = Readable.from([Buffer.from("hello "), Buffer.from("world"), Buffer.from("!!!")]);
    const out = await all(limitBody(bodyChunks(stream), 8));
    expect(Buffer.concat(out).toString()).toBe("hello wo");
    expect(stream.destroyed).toBe(true);
  });

  it("passes an exact source through", async () => {
    expect(Buffer.concat(await all(limitBody(gen("ab", "cd"), 4))).toString()).toBe("abcd");
    expect(await all(limitBody(gen("ab"), 0))).toEqual([]);
  });

  it("fails a shorter source", async () => {
    const e = await failure(all(limitBody(gen("ab", "c"), 5)));
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect((e as Error).message).toContain("body ended after 3 of 5 bytes");
  });

  it("rejects a bad size", async () => {
    expect(isStorageError(await failure(all(limitBody(gen("a"), -1))), "InvalidArgument")).toBe(true);
  });
});

describe("collectBody", () => {
  it("concatenates, returning a single chunk as is", async () => {
    const one = Buffer.from("solo");
    expect(await collectBody(gen(one))).toBe(one);
    expect((await collectBody(gen("a", "b", "c"))).toString()).toBe("abc");
    expect((await collectBody(gen())).length).toBe(0);
  });

  it("stops above max", async () => {
    expect(isStorageError(await failure(collectBody(gen("abc", "def"), 5)), "InvalidArgument")).toBe(true);
    expect((await collectBody(gen("abc", "de"), 5)).toString()).toBe("abcde");
  });
});

describe("readUpTo", () => {
  it("reports done with the whole body when the source is short", async () => {
    const peek = await readUpTo(gen("ab", "cd"), 11);
    expect(peek.done).toBe(true);
    expect(peek.headSize).toBe(4);
    expect(Buffer.concat(peek.head).toString()).toBe("abcd");
    await peek.close();
  });

  it("stops at n bytes and replays head then the rest", async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for (const s of ["aaa", "bbb", "ccc", "ddd"]) {
        pulled++;
        yield Buffer.from(s);
      }
    }
    const peek = await readUpTo(counted(), 4);
    expect(peek.done).toBe(false);
    expect(peek.headSize).toBe(6);
    expect(pulled).toBe(2);
    expect(Buffer.concat(await all(peek.body)).toString()).toBe("aaabbbcccddd");
    expect(peek.head).toEqual([]); // drained while iterating
  });

  it("treats a source of exactly n bytes as not done (threshold + 1 idiom)", async () => {
    const threshold = 6;
    expect((await readUpTo(gen("abc", "def"), threshold + 1)).done).toBe(true);
    expect((await readUpTo(gen("abc", "defg"), threshold + 1)).done).toBe(false);
  });

  it("close() releases a stream source", async () => {
    const stream = Readable.from([Buffer.from("a"), Buffer.from("b"), Buffer.from("c")]);
    const peek = await readUpTo(bodyChunks(stream), 1);
    expect(peek.done).toBe(false);
    await peek.close();
    expect(stream.destroyed).toBe(true);
  });
});

describe("sizedBodyChunks", () => {
  it("closes a stream it will not read (size 0) and yields nothing", async () => {
    const stream = new PassThrough();
    stream.write(Buffer.from("never read"));
    expect(await collectBody(sizedBodyChunks(stream, 0))).toEqual(Buffer.alloc(0));
    expect(stream.destroyed).toBe(true);
  });

  it("returns an async iterator it will not read", async () => {
    let returned = false;
    const iterable: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: Buffer.from("x") }),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    expect((await collectBody(sizedBodyChunks(iterable, 0))).length).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(returned).toBe(true);
  });

  it("cuts a longer stream to its size and closes it, and passes a body through without a size", async () => {
    const stream = Readable.from([Buffer.from("abc"), Buffer.from("def")]);
    expect((await collectBody(sizedBodyChunks(stream, 4))).toString()).toBe("abcd");
    expect(stream.destroyed).toBe(true);
    expect((await collectBody(sizedBodyChunks("hello", undefined))).toString()).toBe("hello");
  });
});
