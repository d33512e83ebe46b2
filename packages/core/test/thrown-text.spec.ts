/**
 * The text of whatever was thrown, for the messages core builds around it: never a throw of its
 * own, whatever a listener, a body stream or a driver threw.
 */
import { describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import { newStorager } from "../src/index.js";
import { thrownText } from "../src/errors/thrown-text.js";
import { withUploadLeft } from "../src/multipart/upload-cleanup.js";
import "@stowage/memory";

const bare = (): object => Object.create(null) as object;
const loud = (): object => ({
  toString(): string {
    throw new Error("no text");
  },
});

describe("thrownText", () => {
  it("is an Error's message, String of anything else, and the value's kind where even that throws", () => {
    expect(thrownText(new Error("boom"))).toBe("boom");
    expect(thrownText("plain")).toBe("plain");
    expect(thrownText(5n)).toBe("5");
    expect(thrownText(Symbol("s"))).toBe("Symbol(s)");
    expect(thrownText(null)).toBe("null");
    expect(thrownText(bare())).toBe("(object)");
    expect(thrownText(loud())).toBe("(object)");
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(thrownText(proxy)).toBe("(object)");
  });
});

describe("what a caller's code throws is reported, whatever it is", () => {
  it("a multipart failure of any kind keeps the note of the upload left (withUploadLeft never throws)", () => {
    for (const failure of [bare(), loud()]) {
      const e = withUploadLeft(failure, { multipartId: "u1", key: "k" }, "the abort failed");
      expect(e).toMatchObject({ code: "Unexpected", message: expect.stringContaining('multipart upload "u1" of key "k" may be left') });
    }
  });

  it.each([
    ["an object without a prototype", bare],
    ["an object whose toString throws", loud],
  ])("an onProgress listener that throws %s fails the copy with Unexpected, not a TypeError", async (_what, make) => {
    const store = newStorager(`memory://thrown-text-${Math.random().toString(36).slice(2)}`);
    await store.write("a", "hello");
    const failure = await store.copy("a", "b", { onProgress: () => { throw make(); } }).catch((e: unknown) => e);
    // What the listener threw is told as its kind, not as the TypeError of turning it into text.
    expect(failure).toMatchObject({ code: "Unexpected", message: expect.stringContaining("(object)") });
    expect(String((failure as Error).message)).not.toMatch(/Cannot convert object to primitive value|no text/);
  });

  it.each([
    ["an object without a prototype", bare],
    ["an object whose toString throws", loud],
  ])("a body stream that fails with %s fails the write with a StorageError, not a TypeError", async (_what, make) => {
    const store = newStorager(`memory://thrown-text-${Math.random().toString(36).slice(2)}`);
    const body = new Readable({
      read() {
        this.destroy(make() as Error);
      },
    });
    const failure = await store.write("w", body).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: expect.any(String), name: "StorageError", message: expect.stringContaining("(object)") });
    expect(String((failure as Error).message)).not.toMatch(/Cannot convert object to primitive value|no text/);
    await expect(store.stat("w")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
