// Public surface of @stowage/cli: run the command line programmatically, and its building blocks.
import { PassThrough } from "node:stream";
import type { CliIO } from "./context.js";
import { run } from "./program.js";

export { run, buildProgram } from "./program.js";
export type { Bind, CommandAction, CommandOptions } from "./commands/command.js";
export { CliContext, type CliIO, type GlobalOptions, type ProgressMode } from "./context.js";
export { EXIT_CODES, UsageError, exitCodeOf, describeError } from "./errors.js";
export { Locations, sameAccount, type Location, type Endpoint, type SharedStore } from "./locations.js";
export { loadProfiles, defaultConfigPath, type Profiles } from "./profiles.js";
export { ensureDriver, registerBundledDrivers, BUNDLED_SCHEMES, KNOWN_SCHEMES } from "./drivers.js";
export { formatBytes } from "./format.js";
export { TRANSFER_DEFAULTS, type TransferSettings, type TuningSetting } from "./transfer/settings.js";
export type { TransferStats } from "./transfer/stats.js";
export {
  compareObjects,
  verifyCopy,
  hashObject,
  type VerifyResult,
  type VerifyMethod,
  type Checksums,
  type CompareOptions,
  type StoredObject,
  type HashObjectOptions,
} from "./verify.js";

/** What {@link main} captured. */
export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `stowage <argv...>` in this process with captured output, e.g.
 * `await main(["cp", "-r", "./photos/", "memory://demo/photos/"])`. Named
 * memory stores persist between calls in one process, so a test can copy
 * into `memory://x/` with one call and list it with the next.
 * @throws nothing: every failure is its exit code (see {@link run})
 */
export async function main(
  argv: readonly string[],
  options: { stdin?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal } = {},
): Promise<MainResult> {
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? "");
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on("data", (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on("data", (c: Buffer) => err.push(c));
  const io: CliIO = {
    stdin,
    stdout,
    stderr,
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    stderrIsTTY: false,
    stdinIsTTY: false,
  };
  const code = await run(argv, io, options.signal ?? new AbortController().signal);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}
