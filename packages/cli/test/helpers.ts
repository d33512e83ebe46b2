import { describe } from "@jest/globals";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The workspace root. */
export const ROOT = resolve(here, "../../..");
/** The built executable the tests run. */
export const CLI = resolve(here, "../dist/bin.js");

/** The packages `tsc -b packages/cli` builds: the CLI and those its tsconfig references, transitively. */
function builtPackages(): string[] {
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const config = JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")) as { references?: { path: string }[] };
    for (const ref of config.references ?? []) visit(resolve(dir, ref.path));
  };
  visit(join(ROOT, "packages/cli"));
  return [...seen];
}

/** The newest mtime (ms) of the files below `dir` (0 when there is none). */
function newestBelow(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestBelow(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Whether the CLI's build is missing or older than its sources: a package whose src/ (or tsconfig.json)
 * has a file newer than its tsconfig.tsbuildinfo, the file `tsc -b` writes last and judges by too.
 */
function buildStale(): boolean {
  if (!existsSync(CLI)) return true;
  return builtPackages().some((dir) => {
    const info = join(dir, "tsconfig.tsbuildinfo");
    if (!existsSync(info)) return true;
    return Math.max(newestBelow(join(dir, "src")), statSync(join(dir, "tsconfig.json")).mtimeMs) > statSync(info).mtimeMs;
  });
}

/**
 * Whether the process that made the build lock `lock` (`age` ms ago) is gone: its pid file names no
 * live process, or, a second after the lock was made, there is still no pid file (killed in between).
 */
function builderGone(lock: string, age: number): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    return age > 1000;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return age > 1000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Removes the build lock `lock` by moving it aside first; nothing when another worker did already. */
function breakLock(lock: string): void {
  const aside = `${lock}.${process.pid}.stale`;
  try {
    renameSync(lock, aside);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    throw e;
  }
  rmSync(aside, { recursive: true, force: true });
}

/** Blocks this thread for `ms` (a synchronous beforeAll has no event loop to wait on). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the CLI (`tsc -b packages/cli`) when its dist is missing or older than a source of it or
 * of a package it uses, so that the specs that spawn `dist/bin.js` test the sources as they are.
 * Up to date, it only compares mtimes (a few ms). Jest workers running at once build one at a time:
 * a lock directory in the temp dir is held around the build, and a worker that finds it held waits,
 * then looks again (a lock whose process is gone is free at once, any lock after 5 minutes). Best
 * effort: in a rare race two workers may build at once, which tsc -b survives.
 */
export function ensureBuilt(): void {
  if (!buildStale()) return;
  const lock = join(tmpdir(), `stowage-cli-build-${createHash("sha256").update(ROOT).digest("hex").slice(0, 16)}.lock`);
  const deadline = Date.now() + 600_000;
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    // A lock whose builder is gone (killed mid-build: its finally never ran) is free at once: moved
    // aside first (of the workers that saw it, one moves it; the others find it gone), then removed.
    if (age > 300_000 || builderGone(lock, age)) breakLock(lock);
    else if (Date.now() > deadline) throw new Error(`ensureBuilt: another process still holds ${lock}`);
    else {
      if (!said) process.stderr.write(`ensureBuilt: waiting for the CLI build another jest worker runs (${lock})\n`);
      said = true;
      sleepSync(200);
    }
    if (!buildStale()) return;
  }
  try {
    if (buildStale()) execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-b", "packages/cli"], { cwd: ROOT, stdio: "inherit", timeout: 240_000 });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(CLI)) throw new Error(`ensureBuilt: tsc -b packages/cli made no ${CLI} (a stale tsbuildinfo? run npx tsc -b --force)`);
}

/** What a CLI run produced. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: its own HOME (profiles, checkpoints), no STOWAGE_* or XDG_* leaking in. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(STOWAGE_|XDG_)/.test(k)) env[k] = v;
  return { ...env, HOME: home, ...extra };
}

/** Options of {@link runCli}. */
export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string | Buffer;
  timeoutMs?: number;
}

/** Starts `node dist/bin.js ...args`. */
export function spawnCli(args: readonly string[], options: RunOptions): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
}

/** Collects a child's output and exit; kills it after `timeoutMs`. */
export function finished(child: ChildProcess, timeoutMs = 20_000): Promise<CliResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (c: Buffer) => out.push(c));
  child.stderr?.on("data", (c: Buffer) => err.push(c));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/** Runs the CLI to completion. */
export async function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  const child = spawnCli(args, options);
  const done = finished(child, options.timeoutMs);
  child.stdin?.end(options.input ?? "");
  return done;
}

/** A fresh temp directory. */
export function tempDir(prefix = "stowage-cli-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a temp directory. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Writes files (paths relative to `dir`). */
export async function writeTree(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** Every file below `dir` (relative path → content), skipping the fs driver's hidden `.stowage-*` entries. */
export async function readTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    const rel = relative(dir, full);
    if (rel.split("/").some((s) => s.startsWith(".stowage-")) || !entry.isFile()) continue;
    out[rel] = await readFile(full, "utf8");
  }
  return out;
}

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Deterministic pseudo-random bytes (so failures reproduce). */
export function bytes(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

/** Polls `check` every 25 ms until it returns a value, at most `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("waitFor: timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * `describe`, for specs that run the built drivers of `providers` against the emulator. Throws when
 * one is not built (`pnpm test` builds first; alone: `npx tsc -b`), so such a suite fails to run
 * rather than being skipped.
 */
export function builtSuite(providers: readonly string[]): typeof describe {
  const missing = providers.filter((p) => !existsSync(join(ROOT, `packages/${p}/dist/index.js`)));
  if (missing.length > 0) throw new Error(`build first (npx tsc -b): packages/${missing.join(", packages/")} has no dist`);
  return describe;
}
