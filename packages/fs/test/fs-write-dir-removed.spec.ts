import { mkdir, readFile, readdir, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { DriverBody } from "@stowage/core";
import type { DirPin } from "../src/pinned-dir.js";
import { buf, streamBody } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// A write whose (empty) parent directory is removed by another call's deleteDir in the instant
// between the write pinning it and making its temp file there: the directory is made again and
// the object stored, as the cloud services store it (atomic.ts replaceAtomically). The race is
// made certain here: the directory is removed right after the write pinned it.

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

/** Removes the directory `dir` (empty) right after the driver pins it, the first `times` times. */
function removeWhenPinned(dir: string, times: number): () => number {
  const paths = s.driver.paths;
  const original = paths.pinDir.bind(paths);
  let removed = 0;
  paths.pinDir = async (...args: Parameters<typeof paths.pinDir>): Promise<DirPin> => {
    const pin = await original(...args);
    if (args[0] === dir && removed < times) {
      removed++;
      await rmdir(dir);
    }
    return pin;
  };
  return () => removed;
}

describe("fs write: its empty parent directory removed meanwhile", () => {
  it.each([
    ["a Buffer body", () => buf("hello")],
    ["a stream body (read only once: nothing of it was taken before the directory was found gone)", () => streamBody(Buffer.from("hello"), 2)],
  ] as Array<[string, () => DriverBody]>)("with %s: the directory is made again and the object stored", async (_name, body) => {
    await mkdir(join(s.root, "d"));
    const removed = removeWhenPinned(join(s.root, "d"), 2);
    await expect(s.driver.write(s.key("d/x"), body(), {})).resolves.toMatchObject({ etag: expect.any(String) });
    expect(removed()).toBe(2);
    expect(await readFile(join(s.root, "d/x"), "utf8")).toBe("hello");
    expect(await readdir(join(s.root, "d"))).toEqual(["x"]);
  });
});
