/**
 * A source on an object store holding both `a` and `a/x` (independent keys there), copied onto a
 * storage with real directories: `a` is refused for that clash whatever becomes of `a/x` (refused
 * itself, through a link at the destination), and the refusals that name a destination entry to
 * remove never offer `rm -r` of a directory as the only way: after an `mv -r`, that directory holds
 * the only copy of what was moved (review-tail H1, M1).
 */
import { describe, expect, it } from "@jest/globals";
import { lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { builtSuite, readTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const BUCKET = "clash-reruns-1250000000";
const suite = builtSuite(["cos"]);
const ws = useWorkspace({ stateDir: true });
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const run = inProcess(ws);
const at = (path: string): string => keyLocation(emu.emulator, BUCKET, path);

suite("a source holding both a and a/x, onto fs", () => {
  it("a stays refused for the clash when a/x is refused too (the destination's a is a link to a directory): the link is not replaced", async () => {
    const src = newStorager(at("linked/"));
    await src.write("a", "file a");
    await src.write("a/x", "file a/x");
    const d = join(ws.work, "linked-d");
    await mkdir(join(d, "elsewhere"), { recursive: true });
    await symlink("elsewhere", join(d, "a"));
    for (const argv of [["cp", "-r", "--dry-run", at("linked/"), d + "/"], ["cp", "-r", at("linked/"), d + "/"]]) {
      const r = await run(argv);
      expect(r.code).toBe(10);
      expect(r.stderr).toContain("stowage: cp a: ObjectModeInvalid: the source holds both a and objects below a/");
      expect(r.stderr).toContain("stowage: cp a/x: ObjectModeInvalid:");
      expect(r.stderr).toContain("is a symbolic link");
    }
    expect((await lstat(join(d, "a"))).isSymbolicLink()).toBe(true);
    expect(await readTree(join(d, "elsewhere"))).toEqual({});
  });

  it("after mv -r moved a/x, a re-run's refusal of a says what the directory holds and offers a way that loses nothing", async () => {
    const src = newStorager(at("moved/"));
    await src.write("a", "file a");
    await src.write("a/x", "file a/x");
    const d = join(ws.work, "moved-d");
    const first = await run(["mv", "-r", at("moved/"), d + "/"]);
    expect(first.code).toBe(10);
    expect(first.stderr).toContain("the source holds both a and objects below a/");
    // a/x now exists only at the destination; the source keeps a.
    expect(await readFile(join(d, "a/x"), "utf8")).toBe("file a/x");
    expect((await src.read("a")).toString()).toBe("file a");
    await expect(src.stat("a/x")).rejects.toMatchObject({ code: "ObjectNotExist" });
    for (const argv of [["mv", "-r", at("moved/"), d + "/"], ["sync", "--dry-run", at("moved/"), d + "/"]]) {
      const again = await run(argv);
      expect(again.code).toBe(10);
      const line = again.stderr.split("\n").find((l) => l.startsWith(`stowage: ${argv[0]} a: ObjectModeInvalid:`)) ?? "";
      expect(line).toContain(`${d}/a/ is a directory at the destination, where the source has a file`);
      expect(line).toContain("copy the file to another name (stowage cp), or, if nothing in the directory is needed, remove it");
      // sync lists the destination whole: it counts what the directory holds.
      if (argv[0] === "sync") expect(line).toContain("the directory holds 1 entry: ");
    }
    expect(await readFile(join(d, "a/x"), "utf8")).toBe("file a/x");
    expect((await src.read("a")).toString()).toBe("file a");
  });
});

describe("the reverse: a file at the destination where the source has a directory", () => {
  it("offers to move the file away before removing it", async () => {
    const s = join(ws.work, "rev-s");
    const d = join(ws.work, "rev-d");
    await mkdir(join(s, "f"), { recursive: true });
    await mkdir(d, { recursive: true });
    await writeFile(join(s, "f/y"), "y");
    await writeFile(join(d, "f"), "the only copy");
    const r = await run(["cp", "-r", s + "/", d + "/"]);
    expect(r.code).toBe(10);
    expect(r.stderr).toContain(`${d}/f is a file at the destination, where the source has a directory: not replaced`);
    expect(r.stderr).toContain(`move it to another name (stowage mv), or, if it is not needed, remove it (stowage rm ${d}/f), and run again`);
    expect(await readFile(join(d, "f"), "utf8")).toBe("the only copy");
  });
});
