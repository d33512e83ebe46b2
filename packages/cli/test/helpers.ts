import { describe } from "@jest/globals";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The workspace root. */
export const ROOT = resolve(here, "../../..");
/** The built executable the tests run. */
export const CLI = resolve(here, "../dist/bin.js");

/** Builds the CLI when dist is missing (`pnpm test` builds everything first). */
export function ensureBuilt(): void {
  if (existsSync(CLI)) return;
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-b", "packages/cli"], { cwd: ROOT, stdio: "inherit", timeout: 240_000 });
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
