import { mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { isStorageError } from "@stowage/core";
import { expectCode } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

/**
 * stat of a directory key through a symlink (also createDir's result and a dir key refused by
 * read): what it reports must come from a directory proven to lie inside the work_dir, even when
 * the link is swapped between the check and the look (review-security M1). The outside directory
 * gets a planted mtime (2001) that no inside directory has.
 */
const onLinux = process.platform === "linux" ? describe : describe.skip;
const PLANTED = new Date("2001-01-01T00:00:00Z");

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
  await utimes(s.outside, PLANTED, PLANTED);
  await mkdir(join(s.root, "realdir"));
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs driver: stat of a directory key through a symlink", () => {
  it("a link leading inside: the directory it leads to", async () => {
    await symlink(join(s.root, "realdir"), join(s.root, "in"));
    const o = await s.driver.stat(s.key("in/"), {});
    expect(o.mode).toBe("dir");
    expect(o.key).toBe(s.key("in/"));
    expect(o.lastModified?.getUTCFullYear()).not.toBe(2001);
    await expectCode(s.driver.read(s.key("in/"), {}, {}), "ObjectModeInvalid");
  });

  it("a link leading outside: InvalidArgument, nothing of the outside reported", async () => {
    await symlink(s.outside, join(s.root, "out"));
    await expectCode(s.driver.stat(s.key("out/"), {}), "InvalidArgument");
    await expectCode(s.driver.read(s.key("out/"), {}, {}), "InvalidArgument");
  });

  it("a dangling link: ObjectNotExist (inward or outward)", async () => {
    await symlink(join(s.root, "missing"), join(s.root, "dangling"));
    await symlink(join(s.outside, "missing"), join(s.root, "dangling-out"));
    await expectCode(s.driver.stat(s.key("dangling/"), {}), "ObjectNotExist");
    await expectCode(s.driver.stat(s.key("dangling-out/"), {}), "ObjectNotExist");
    await expectCode(s.driver.read(s.key("dangling/"), {}, {}), "ObjectNotExist");
  });

  it("a link to a file: no directory there (ObjectNotExist)", async () => {
    await writeFile(join(s.root, "f"), "x");
    await symlink(join(s.root, "f"), join(s.root, "lf"));
    await expectCode(s.driver.stat(s.key("lf/"), {}), "ObjectNotExist");
  });

  it("a loop of links: InvalidArgument", async () => {
    await symlink(join(s.root, "loop-b"), join(s.root, "loop-a"));
    await symlink(join(s.root, "loop-a"), join(s.root, "loop-b"));
    await expectCode(s.driver.stat(s.key("loop-a/"), {}), "InvalidArgument");
  });

  it("createDir through an inward link reports the directory it leads to", async () => {
    await symlink(join(s.root, "realdir"), join(s.root, "in"));
    expect(await s.driver.createDir(s.key("in/"), {})).toMatchObject({ key: s.key("in/"), mode: "dir" });
  });
});

onLinux("fs driver: stat of a directory key through a symlink swapped after the check", () => {
  it("the check lost (every path passes it): the outside directory is still refused", async () => {
    s.driver.paths.confined = async () => true;
    await symlink(s.outside, join(s.root, "out"));
    await expectCode(s.driver.stat(s.key("out/"), {}), "InvalidArgument");
    await expectCode(s.driver.read(s.key("out/"), {}, {}), "InvalidArgument");
  });

  it("a link flipped between inside and outside by another thread: never the outside's metadata", async () => {
    const swap = join(s.root, "swap");
    await symlink(join(s.root, "realdir"), swap);
    // A worker renames a fresh link over `swap`, leading inside and outside by turns, until told to stop.
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const flipper = new Worker(
      `const fs = require("node:fs");
       const { root, outside, stop } = require("node:worker_threads").workerData;
       for (let i = 0; Atomics.load(stop, 0) === 0 && i < 5e6; i++) {
         try { fs.symlinkSync(i % 2 ? root + "/realdir" : outside, root + "/tl"); fs.renameSync(root + "/tl", root + "/swap"); } catch {}
       }`,
      { eval: true, workerData: { root: s.root, outside: s.outside, stop } },
    );
    const seen: Record<string, number> = {};
    const count = (what: string): void => {
      seen[what] = (seen[what] ?? 0) + 1;
    };
    try {
      const end = Date.now() + 20_000;
      for (let n = 0; n < 4000 && Date.now() < end; n++) {
        try {
          const o = await s.driver.stat(s.key("swap/"), {});
          count(o.mode === "dir" && o.lastModified?.getUTCFullYear() === 2001 ? "outside" : `inside ${o.mode}`);
        } catch (e) {
          count(isStorageError(e) ? e.code : String(e));
        }
      }
    } finally {
      Atomics.store(stop, 0, 1);
      await flipper.terminate();
    }
    // The race was run (both answers seen), and no answer carries the outside directory's metadata.
    expect(seen).toEqual({ "inside dir": expect.any(Number), InvalidArgument: expect.any(Number) });
    expect(seen["inside dir"]).toBeGreaterThan(0);
    expect(seen["InvalidArgument"]).toBeGreaterThan(0);
  });
});
