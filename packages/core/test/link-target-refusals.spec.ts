import { describe, expect, it } from "@jest/globals";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { openRecording } from "./recording-driver.js";

// createLink's error names the link in `error.path`; a refused target must be named as the link
// target in the message, so that nobody looks for a fault in the link's own path.

/** The StorageError `call` rejects with (fails the test when it resolves or throws anything else). */
async function refusal(call: Promise<unknown>): Promise<StorageError> {
  try {
    await call;
  } catch (e) {
    if (isStorageError(e, "InvalidArgument")) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("createLink: a target refused names the link target", () => {
  it.each([
    ["/x", 'link target "/x" is outside work_dir "/wd/"'],
    ["../y", 'link target "../y" has a ".." segment'],
    ["a//b", 'link target "a//b" has an empty segment ("//")'],
    ["a/./b", 'link target "a/./b" has a "." segment'],
    ["", "link target must not be empty"],
    ["/wd/", 'link target "/wd/" is the work_dir itself, not an object'],
    ["a\0b", "link target must not contain NUL"],
  ])("target %j: %s, error.path the link, the driver never called", async (target, message) => {
    const { driver, store } = openRecording("/wd/");
    const e = await refusal(store.createLink("l", target));
    expect(e.detail).toBe(message);
    expect(e.path).toBe("l");
    expect(e.op).toBe("create_link");
    expect(driver.calls).toEqual([]);
  });

  it("a target over limits.keyMaximum is named as the link target's key", async () => {
    const { driver, store } = openRecording("/w/", { keyMaximum: 20 });
    const e = await refusal(store.createLink("l", "x".repeat(19)));
    expect(e.detail).toBe("the link target's key is 21 bytes of UTF-8 (work_dir included), longer than the 20 bytes rec allows");
    expect(driver.calls).toEqual([]);
  });

  it("the link's own path, and every other operation's, keep the word path", async () => {
    const { store } = openRecording("/wd/");
    expect((await refusal(store.createLink("/x", "ok"))).detail).toBe('path "/x" is outside work_dir "/wd/"');
    expect((await refusal(store.stat("../y"))).detail).toBe('path "../y" has a ".." segment');
    const limited = openRecording("/w/", { keyMaximum: 20 }).store;
    expect((await refusal(limited.createLink("x".repeat(19), "ok"))).detail).toMatch(/^the key is 21 bytes of UTF-8/);
  });
});
