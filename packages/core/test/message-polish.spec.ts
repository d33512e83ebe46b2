/**
 * Messages that say what is wrong: an integer past 2^53 − 1 is called that (not "expected an
 * integer"); a non-ASCII value of a header other than Content-Disposition is not told about file
 * names; an option name close to one the call accepts gets a "did you mean".
 */
import { describe, expect, it } from "@jest/globals";
import "@stowage/memory";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { parsePairValue } from "../src/pairs/parse-value.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import { newStorager } from "../src/registry/registry.js";

const store = newStorager("memory://message-polish/");

async function failure(p: Promise<unknown>): Promise<StorageError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isStorageError(e)) throw new Error(`expected a StorageError, got ${String(e)}`);
  return e;
}

describe("an integer past 2^53 - 1", () => {
  it.each([2 ** 53, 2 ** 60])("offset %d says it is past the safe range", async (offset) => {
    await store.write("a.txt", "abc");
    const e = await failure(store.read("a.txt", { offset }));
    expect(e.code).toBe("InvalidArgument");
    expect(e.detail).toBe(`invalid value for option "offset": expected a safe integer (at most 2^53 - 1 in magnitude, Number.MAX_SAFE_INTEGER), got ${offset}`);
  });

  it("a fraction still says an integer is expected", async () => {
    expect((await failure(store.read("a.txt", { offset: 1.5 }))).detail).toContain("expected an integer");
  });

  it("in a connection string too", () => {
    let thrown: unknown;
    try {
      parsePairValue(globalPairs.concurrency, "9007199254740993");
    } catch (e) {
      thrown = e;
    }
    expect(isStorageError(thrown) && thrown.detail).toBe('invalid value for pair "concurrency": expected a safe integer (at most 2^53 - 1 in magnitude, Number.MAX_SAFE_INTEGER), got "9007199254740993"');
  });
});

describe("a header value beyond ASCII", () => {
  it.each([["contentType", "text/plain; charset=ü"], ["cacheControl", "max-age=1 ä"]])("%s is told to be printable ASCII, with nothing about file names", async (option, value) => {
    const e = await failure(store.write("h.txt", "x", { [option]: value }));
    expect(e.detail).toBe(`invalid value for option "${option}": must be printable ASCII (no control characters, nothing beyond ASCII)`);
  });

  it("contentDisposition with a non-ASCII file name is told how to encode it", async () => {
    const e = await failure(store.write("h.txt", "x", { contentDisposition: 'attachment; filename="é.txt"' }));
    expect(e.detail).toContain("encode a non-ASCII file name as filename*=UTF-8''<percent-encoded>");
  });

  it("contentDisposition with a line break is not told about file names", async () => {
    const e = await failure(store.write("h.txt", "x", { contentDisposition: "attachment\r\nX: y" }));
    expect(e.detail).toBe('invalid value for option "contentDisposition": must be printable ASCII (no control characters, nothing beyond ASCII)');
  });
});

describe("an option name close to one the call accepts", () => {
  it.each(["contentTyp", "content_type", "ContentType"])("%s: did you mean contentType", async (option) => {
    const e = await failure(store.write("o.txt", "x", { [option]: "text/plain" } as object));
    expect(e.code).toBe("PairUnsupported");
    expect(e.detail).toBe(`option "${option}" is not supported by write on memory: did you mean "contentType"?`);
  });

  it("a name near none gets no guess, and a pair the call does not take none either", async () => {
    expect((await failure(store.write("o.txt", "x", { wibbleWobble: 1 } as object))).detail).toBe('option "wibbleWobble" is not supported by write on memory');
    expect((await failure(store.stat("o.txt", { contentType: "text/plain" } as object))).detail).toBe('option "contentType" is not supported by stat on memory');
  });

  it("enable_loose_pair: a typo no service defines is refused with the guess", async () => {
    const loose = newStorager("memory://message-polish-loose/?enable_loose_pair");
    const e = await failure(loose.write("o.txt", "x", { contentTyp: "text/plain" } as object));
    expect(e.detail).toMatch(/^option "contentTyp" is a pair of no registered service .*: did you mean "contentType"\?$/);
  });
});
