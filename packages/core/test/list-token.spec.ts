/**
 * Public list tokens wrap the driver's with a version and a check (listing/list-token.ts): a
 * token is only good for the listing that produced it, and anything else is InvalidArgument
 * before the driver is asked for a page.
 */
import { describe, expect, it } from "@jest/globals";
import type { RawObject } from "../src/driver/storage-driver.js";
import { isStorageError } from "../src/errors/storage-error.js";
import { unwrapListToken, wrapListToken, type ListTokenScope } from "../src/listing/list-token.js";
import { openRecording } from "./recording-driver.js";

const scope: ListTokenScope = { service: "cos", bucket: "b-1250000000", mode: "prefix", prefix: "w/" };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isStorageError(e, "InvalidArgument")) return e.message;
    throw e;
  }
  throw new Error("expected InvalidArgument");
}

describe("list tokens", () => {
  it("round-trip any driver token, keys with NUL, lone surrogates, dots and non-BMP characters included", () => {
    for (const inner of ["w/b", "w/a.b.c", "w/\u0000x", "w/\uD800", "w/é😀", "tok+/=", '["w/k","id"]']) {
      const token = wrapListToken(scope, inner);
      expect(token).toMatch(/^s1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(unwrapListToken(scope, token)).toBe(inner);
    }
  });

  it("refuse a token of another service, bucket, mode or prefix", () => {
    const token = wrapListToken(scope, "w/b");
    for (const other of [
      { ...scope, service: "oss" },
      { ...scope, bucket: "c-1250000000" },
      { ...scope, mode: "dir" },
      { ...scope, prefix: "w/x/" },
      { ...scope, prefix: "" },
    ]) {
      expect(refusal(() => unwrapListToken(other, token))).toContain("listing of another service, bucket, path or mode");
    }
  });

  it("refuse bare keys (tokens before they were wrapped), made-up, damaged and edited tokens, without echoing them", () => {
    const token = wrapListToken(scope, "w/b");
    const [, body, check] = token.split(".");
    const forged = [
      "w/b",
      "b",
      "garbage",
      "\u0000",
      "s1",
      "s1..",
      `s2.${body}.${check}`,
      `s1.${body}`,
      `s1.${body}.${check}.x`,
      token.slice(0, -1),
      `s1.${body}.${check!.replace(/^./, (c) => (c === "A" ? "B" : "A"))}`,
      `s1.${Buffer.from(JSON.stringify("w/c")).toString("base64url")}.${check}`,
      `s1.${Buffer.from("{}").toString("base64url")}.${check}`,
      `s1.${Buffer.from('""').toString("base64url")}.${check}`,
      `s1.${body}=.${check}`,
    ];
    for (const f of forged) {
      const message = refusal(() => unwrapListToken(scope, f));
      if (f.length > 3) expect(message).not.toContain(f);
    }
  });
});

describe("list tokens through a storager", () => {
  const file = (key: string): RawObject => ({ key, mode: "file", size: 1 });

  it("hand the driver its own token back, and refuse any other string before the driver is asked", async () => {
    const { driver, store } = openRecording("/w/");
    driver.pages = [[file("w/a")], [file("w/b")], [file("w/c")]];
    const first = await store.listPage("", { mode: "prefix", limit: 1 });
    expect(first.nextToken).toMatch(/^s1\./);
    const second = await store.listPage("", { mode: "prefix", limit: 1, token: first.nextToken as string });
    expect(second.items.map((o) => o.path)).toEqual(["b"]);
    const calls = driver.calls.length;
    for (const token of ["1", "w/b", "garbage", "\u0000", (first.nextToken as string) + "x"]) {
      await expect(store.listPage("", { mode: "prefix", limit: 1, token })).rejects.toMatchObject({ code: "InvalidArgument" });
    }
    // The same token, in another mode or for another path.
    await expect(store.listPage("", { mode: "dir", limit: 1, token: first.nextToken as string })).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(store.listPage("sub/", { mode: "prefix", limit: 1, token: first.nextToken as string })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(driver.calls.length).toBe(calls);
    const rest: string[] = [];
    for await (const o of store.list("", { mode: "prefix", limit: 1, token: first.nextToken as string })) rest.push(o.path);
    expect(rest).toEqual(["b", "c"]);
  });
});
