import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { RawObject } from "../src/driver/storage-driver.js";
import { isStorageError } from "../src/errors/storage-error.js";
import type { ObjectInfo } from "../src/object/object-info.js";
import { UNLISTED_KEYS_WARNING } from "../src/storager/unlisted-keys.js";
import { openRecording } from "./recording-driver.js";

type Warning = [string, { code?: string; type?: string }];

let warn: ReturnType<typeof jest.spyOn>;
const warnings = (): Warning[] => warn.mock.calls as unknown as Warning[];

beforeEach(() => {
  warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
});

const file = (key: string): RawObject => ({ key, mode: "file", size: 1 });
const dir = (key: string): RawObject => ({ key, mode: "dir" });

async function paths(items: AsyncIterable<ObjectInfo>): Promise<string[]> {
  const out: string[] = [];
  for await (const o of items) out.push(o.path);
  return out;
}

// Keys another client wrote that no path addresses (each with why), among addressable ones.
const FOREIGN: ReadonlyArray<[string, string]> = [
  ["f/a\\b", "backslash"],
  ["f/x//y", "empty segment"],
  ["f/./z", '"." segment'],
  ["f/../z", '".." segment'],
  ["f/lone\uD800", "lone surrogate"],
  ["f/nul\0", "NUL"],
  ["f/up/..", '".." segment'],
];

describe("listing keys that no path addresses (written by other clients)", () => {
  it("leaves them out of list, across pages, and reports them once per listing with a warning of their own code", async () => {
    const { driver, store } = openRecording();
    driver.pages = [
      [file("f/a/b"), file(FOREIGN[0]![0]), file(FOREIGN[1]![0])],
      FOREIGN.slice(2).map(([key]) => file(key)),
      [file("f/ok")],
    ];
    expect(await paths(store.list("f/", { mode: "prefix" }))).toEqual(["f/a/b", "f/ok"]);
    expect(warnings()).toHaveLength(1);
    const [message, options] = warnings()[0]!;
    expect(options).toEqual({ code: UNLISTED_KEYS_WARNING, type: "StowageWarning" });
    expect(UNLISTED_KEYS_WARNING).toBe("STOWAGE_UNLISTED_KEYS");
    expect(message).toMatch(/^7 keys in the rec listing of "f\/" \(bucket "bucket", work_dir "\/"\) not listed: no path addresses them/);
    // Five examples, escaped as JSON, each with why; the rest counted.
    for (const [key, why] of FOREIGN.slice(0, 5)) expect(message).toContain(`${JSON.stringify(key)} (${why})`);
    expect(message).toContain("and 2 more");
    expect(message).not.toContain("\uD800");
    expect(message).not.toContain("\0");
  });

  it("listPage leaves them out of its page (which comes back shorter, with the service's token) and warns for that page", async () => {
    const { driver, store } = openRecording();
    driver.pages = [[file("f/a\\b"), file("f/a/b")], [file("f/x//y")], [file("f/ok")]];
    const first = await store.listPage("f/", { mode: "prefix", limit: 2 });
    // The driver's token ("1") comes back wrapped (listing/list-token.ts), and reaches the driver again as "1".
    expect(first).toEqual({ items: [{ path: "f/a/b", mode: "file", size: 1 }], nextToken: expect.stringMatching(/^s1\./) });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]![0]).toContain('"f/a\\\\b" (backslash)');
    const second = await store.listPage("f/", { mode: "prefix", limit: 2, token: first.nextToken });
    expect(second).toEqual({ items: [], nextToken: expect.stringMatching(/^s1\./) });
    expect(warnings()).toHaveLength(2);
    expect(await store.listPage("f/", { mode: "prefix", limit: 2, token: second.nextToken })).toEqual({ items: [{ path: "f/ok", mode: "file", size: 1 }] });
    expect(warnings()).toHaveLength(2);
  });

  it("leaves out a dir entry such as x// (so a walk never lists it), and list of x// itself is InvalidArgument, never a listing of x/", async () => {
    const { driver, store } = openRecording();
    driver.pages = [[dir("x//"), dir("x/a/"), file("x/f")]];
    expect(await paths(store.list("x/", { mode: "dir" }))).toEqual(["x/a/", "x/f"]);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]![0]).toContain('"x//" (empty segment)');
    driver.calls.length = 0;
    for (const mode of ["dir", "prefix", "part"] as const) {
      for (const path of ["x//", "x//y", "x\\\\", "//"]) {
        const e = await paths(store.list(path, { mode })).catch((error: unknown) => error);
        expect(isStorageError(e, "InvalidArgument")).toBe(true);
        expect(isStorageError(await store.listPage(path, { mode }).catch((error: unknown) => error), "InvalidArgument")).toBe(true);
      }
    }
    expect(driver.calls).toEqual([]);
  });

  it("under a work_dir, a key whose path would read as absolute (a leading /) is left out too; other paths are listed as before", async () => {
    const { driver, store } = openRecording("/w/");
    driver.pages = [[file("w//abs"), file("w/ok"), dir("w/d/"), file("w/d\\e")]];
    expect(await paths(store.list("", { mode: "prefix" }))).toEqual(["ok", "d/"]);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]![0]).toMatch(/^2 keys in the rec listing of "" \(bucket "bucket", work_dir "\/w\/"\)/);
  });

  it("leaves out in-progress uploads of such keys (part mode)", async () => {
    const { driver, store } = openRecording();
    driver.pages = [[{ key: "u\\v", mode: "part", multipartId: "1" }, { key: "u/v", mode: "part", multipartId: "2" }]];
    expect(await paths(store.list("", { mode: "part" }))).toEqual(["u/v"]);
    expect(warnings()).toHaveLength(1);
  });

  it("a listing that ends early (the caller breaks off) still reports what it left out; a clean listing warns nothing", async () => {
    const { driver, store } = openRecording();
    driver.pages = [[file("a\\b"), file("ok")], [file("later")]];
    for await (const o of store.list("", { mode: "prefix" })) {
      expect(o.path).toBe("ok");
      break;
    }
    expect(warnings()).toHaveLength(1);
    driver.pages = [[file("ok"), file("sp ace"), file("nl\nx"), file("😀")]];
    expect(await paths(store.list("", { mode: "prefix" }))).toEqual(["ok", "sp ace", "nl\nx", "😀"]);
    expect(warnings()).toHaveLength(1);
  });

  it("leaves out another client's `x/` key that holds bytes, never silently: in a prefix listing, and as the marker of the dir listed", async () => {
    const { driver, store } = openRecording();
    const held: RawObject = { key: "n/", mode: "dir", size: 25 };
    driver.pages = [[file("k"), held, { key: "m/", mode: "dir", size: 0 }, file("n/c")]];
    expect(await paths(store.list("", { mode: "prefix" }))).toEqual(["k", "m/", "n/c"]);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]![0]).toMatch(/^1 key in the rec listing of "" .*: "n\/" \(ends in "\/" \(a directory\) but holds 25 bytes\)$/);
    driver.pages = [[held, file("n/c")]];
    expect(await paths(store.list("n/", { mode: "dir" }))).toEqual(["n/c"]);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]![0]).toContain('"n/" (ends in "/" (a directory) but holds 25 bytes)');
    // A zero-byte marker, and a dir listing of the parent (where it shows as the dir it reads as), warn nothing.
    driver.pages = [[{ key: "n/", mode: "dir", size: 0 }, file("n/c")]];
    expect(await paths(store.list("n/", { mode: "dir" }))).toEqual(["n/c"]);
    driver.pages = [[held]];
    expect(await paths(store.list("", { mode: "dir" }))).toEqual(["n/"]);
    expect(warnings()).toHaveLength(2);
  });
});
