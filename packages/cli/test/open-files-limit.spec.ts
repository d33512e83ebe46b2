import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fitConcurrency, openFilesLimit } from "../src/transfer/open-files.js";
import { cleanEnv, ensureBuilt, finished, removeDir, ROOT, tempDir, type CliResult } from "./helpers.js";

// A low open-files limit (`ulimit -n` in bash lowers the hard limit too: a container's). Node's module loader
// reads the CLI's ~300 files at once, and at 160 or below one of those reads failed with EMFILE,
// reported as a missing package in a stack trace ("Cannot find package .../@stowage/core/index.js"):
// the command did not start. A tree copy of many small files between local directories failed
// objects with "too many open files" at 200 (64 in flight, each holding the source file and the
// destination's directory), and at 128 did not start at all. Now bin/stowage.js loads the modules
// one file at a time first (where Node can), the fs driver waits for descriptors to come back
// (descriptor-wait.ts), and on Linux the default concurrency is fitted to the limit.

/** The command users run (what package managers link), not dist/bin.js. */
const BIN = resolve(ROOT, "packages/cli/bin/stowage.js");
const FILES = 300;

let dir: string;
beforeAll(async () => {
  ensureBuilt();
  dir = await tempDir();
  await mkdir(join(dir, "src"));
  for (let i = 0; i < FILES; i++) await writeFile(join(dir, "src", `f${i}.txt`), `file ${i}\n`);
}, 600_000);
afterAll(async () => {
  await removeDir(dir);
});

/** `stowage <args>` (with node's `nodeFlags`) under `ulimit -n <limit>`, in the temp dir. */
async function limited(limit: number, args: readonly string[], nodeFlags: readonly string[] = []): Promise<CliResult> {
  const quoted = [process.execPath, ...nodeFlags, BIN, ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("bash", ["-c", `ulimit -n ${limit} && exec ${quoted}`], { cwd: dir, env: cleanEnv(join(dir, "home")), stdio: ["ignore", "pipe", "pipe"] });
  return finished(child, 30_000);
}

const STACK_LINE = /^\s+at /m;
const linux = process.platform === "linux";

describe("the CLI at a low open-files limit", () => {
  it("starts at ulimit -n 64: no stack trace", async () => {
    const r = await limited(64, ["--version"]);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("prints no warning of its own require() of the CLI's modules (Node 22.12 to 23.x warn of one by default)", async () => {
    if (!process.allowedNodeEnvironmentFlags.has("--trace-require-module")) return;
    const r = await limited(1024, ["--version"], ["--trace-require-module=all"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });

  it("a checkout that was never built is told so in one line, not to raise the limit", async () => {
    const unbuilt = join(dir, "unbuilt");
    await mkdir(join(unbuilt, "bin"), { recursive: true });
    await copyFile(BIN, join(unbuilt, "bin", "stowage.js"));
    const child = spawn(process.execPath, [join(unbuilt, "bin", "stowage.js"), "--version"], { cwd: dir, env: cleanEnv(join(dir, "home")), stdio: ["ignore", "pipe", "pipe"] });
    const r = await finished(child, 30_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("stowage: the CLI is not built (dist/bin.js is missing): run `pnpm run build` (tsc -b) in the repository\n");
  });

  it("where its modules cannot be loaded one at a time, a failure to load them is one line", async () => {
    if (!process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module")) return;
    const r = await limited(64, ["--version"], ["--no-experimental-require-module"]);
    expect(r.stderr).not.toMatch(STACK_LINE);
    if (r.code !== 0) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^stowage: could not load the CLI's modules: .*ulimit -n.*\n$/);
      expect(r.stderr.split("\n")).toHaveLength(2);
    }
  });

  it.each([
    ["ulimit -n 200, 64 objects in flight (the old default)", 200, ["--small-concurrency", "64"]],
    ["ulimit -n 64, the defaults", 64, []],
  ] as const)(`cp -r of ${FILES} small files between local directories copies them all: %s`, async (_name, limit, flags) => {
    if (!linux && limit < 128) return; // the defaults are fitted to the limit on Linux only
    const target = `dst-${limit}`;
    const r = await limited(limit, ["cp", "-r", ...flags, "./src/", `./${target}/`]);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).not.toContain("too many open files");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`copied ${FILES} objects`);
    expect(await readdir(join(dir, target))).toHaveLength(FILES);
  }, 30_000);
});

describe("the default concurrency fitted to the open-files limit", () => {
  const limits = (soft: string): string =>
    ["Limit                     Soft Limit           Hard Limit           Units", "Max processes             63568                63568                processes", `Max open files            ${soft}                  1048576              files`, ""].join("\n");

  it("reads the soft limit from /proc/self/limits' text; undefined when unlimited or unreadable", () => {
    expect(openFilesLimit(() => limits("256"))).toBe(256);
    expect(openFilesLimit(() => limits("unlimited"))).toBeUndefined();
    expect(
      openFilesLimit(() => {
        throw new Error("ENOENT");
      }),
    ).toBeUndefined();
    if (linux) expect(openFilesLimit()).toBeGreaterThan(0);
  });

  it("keeps the defaults where they fit, lowers both in proportion (to at least 1) where they do not", () => {
    expect(fitConcurrency(undefined, 64, 8, 4)).toEqual({ small: 64, large: 8 });
    expect(fitConcurrency(1024, 64, 8, 4)).toEqual({ small: 64, large: 8 });
    expect(fitConcurrency(256, 64, 8, 4)).toEqual({ small: 42, large: 5 });
    expect(fitConcurrency(128, 64, 8, 4)).toEqual({ small: 18, large: 2 });
    expect(fitConcurrency(64, 64, 8, 4)).toEqual({ small: 6, large: 1 });
    expect(fitConcurrency(16, 64, 8, 4)).toEqual({ small: 1, large: 1 });
  });
});
