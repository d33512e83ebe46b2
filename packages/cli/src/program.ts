import { setMaxListeners } from "node:events";
import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { Bind } from "./commands/command.js";
import { registerCat } from "./commands/cat.js";
import { registerCp, registerMv } from "./commands/cp.js";
import { registerDu } from "./commands/du.js";
import { registerGet } from "./commands/get.js";
import { registerLs } from "./commands/ls.js";
import { registerLn } from "./commands/ln.js";
import { registerMkdir } from "./commands/mkdir.js";
import { registerPresign } from "./commands/presign.js";
import { registerProfiles } from "./commands/profiles.js";
import { registerPut } from "./commands/put.js";
import { registerRestore } from "./commands/restore.js";
import { registerRm } from "./commands/rm.js";
import { registerStat } from "./commands/stat.js";
import { registerSync } from "./commands/sync.js";
import { registerUploads } from "./commands/uploads.js";
import { registerVerify } from "./commands/verify.js";
import { UnlistedReport } from "./unlisted.js";
import { isOutputFailure, outputError, settleOutput, watchOutput } from "./output.js";
import { CliContext, type CliIO, type GlobalOptions } from "./context.js";
import { describeError, EXIT_CODES, exitCodeOf, isAbort, UsageError } from "./errors.js";

const VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

const EXIT_HELP = `
Locations:
  a connection string   fs:///srv/data/  memory://name/dir/  cos://bucket-1250000000/dir/?credential=env&location=ap-guangzhou
  a profile reference   backup:2026/   (STOWAGE_PROFILE_BACKUP=<conn>, or in the profiles file: see --config)
  a local path          ./photos  /tmp/x.bin   (opened with the fs driver)

Exit codes:
  0 ok, 1 unexpected, 2 usage, 3 ObjectNotExist, 4 PermissionDenied, 5 CapabilityInsufficient,
  6 PairUnsupported, 7 PairRequired, 8 ConnectionStringInvalid, 9 ServiceNotRegistered,
  10 ObjectModeInvalid, 11 InvalidArgument, 12 Conflict, 13 IntegrityMismatch (or verify failed),
  14 RequestThrottled, 15 ServiceInternal, 130 interrupted (Ctrl-C; the checkpoint is kept),
  141 stdout closed by its reader (| head) before all output was written.
  A failed write to stdout (EPIPE, ENOSPC...) ends the command with its own code if it had
  failed already, else 141 (EPIPE) or 1 (any other, with a message).`;

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number of seconds`);
  return n;
}

/** The commander program with every command; `bind` gives actions their context. @throws nothing */
export function buildProgram(io: CliIO, bind: Bind): Command {
  const program = new Command("stowage")
    .description("Copy, sync and inspect objects across any two storages (fs, memory, cos, oss, qingstor...).")
    .version(VERSION, "-V, --version")
    .option("--debug", "print stack traces with errors", false)
    .option("-q, --quiet", "no progress and no summary (errors still print)", false)
    .option("--config <file>", "profiles file (default: $STOWAGE_CONFIG, else $XDG_CONFIG_HOME/stowage/profiles.json, else ~/.config/stowage/profiles.json)")
    .addOption(new Option("--progress <mode>", "progress display: bars on a terminal, plain lines otherwise").choices(["auto", "bars", "lines", "none"]).default("auto"))
    .option("--progress-interval <seconds>", "seconds between progress lines", seconds, 2)
    .addHelpText("after", EXIT_HELP)
    .exitOverride()
    .showHelpAfterError("(run stowage --help for usage)")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // A usage error reads as the CLI's own do: "stowage: unknown option '--bogus'".
      outputError: (s, write) => write(s.replace(/^error: /, "stowage: ")),
    });
  for (const register of [registerLs, registerStat, registerCat, registerPut, registerGet, registerCp, registerMv, registerRm, registerSync, registerDu, registerPresign, registerUploads, registerMkdir, registerLn, registerRestore, registerVerify, registerProfiles]) {
    register(program, bind);
  }
  for (const cmd of program.commands) {
    // Its own flags are listed by its own help, not by stowage --help.
    cmd.exitOverride().showHelpAfterError(`(run stowage ${cmd.name()} --help for usage)`);
  }
  return program;
}

/**
 * The `<name>` of `stowage [global options] help <name>`; undefined for any other command line
 * (`--help` and `--version` end the command line: commander answers them, whatever follows).
 * @throws nothing
 */
function helpTopic(program: Command, argv: readonly string[]): string | undefined {
  let at = 0;
  while (at < argv.length && argv[at]!.startsWith("-")) {
    const flag = argv[at]!.split("=")[0];
    const option = program.options.find((o) => o.long === flag || o.short === flag);
    if (option === undefined || ["--help", "--version"].includes(option.long ?? "")) return undefined;
    // Those that take a value, with it (`--config x`; `--progress=none` is one word).
    at += (option.required || option.optional) && !argv[at]!.includes("=") ? 2 : 1;
  }
  return argv[at] === "help" && argv.length === at + 2 ? argv[at + 1] : undefined;
}

/**
 * Runs the `stowage` command line `argv` (without `node` and the script) and
 * resolves with the exit code; never exits the process. Errors become one
 * line on stderr (a stack with `--debug`) and their exit code. `signal` aborts the command (as
 * Ctrl-C does); without one it runs to its end.
 * @throws nothing: every failure is its exit code, and a line on stderr
 */
export async function run(argv: readonly string[], io: CliIO, signal: AbortSignal = new AbortController().signal): Promise<number> {
  let ctx: CliContext | undefined;
  setMaxListeners(0, signal); // every in-flight transfer listens for Ctrl-C
  const bind: Bind = (action) => async (...raw) => {
    const cmd = raw[raw.length - 1] as Command;
    const opts = cmd.opts();
    const globals = cmd.optsWithGlobals() as unknown as GlobalOptions;
    ctx = new CliContext(io, globals, signal);
    const args = raw.slice(0, -2).flatMap((a) => (Array.isArray(a) ? (a as string[]) : a === undefined ? [] : [a as string]));
    // Every operand names a location or a file: an empty one (an unset shell variable) never means
    // the current directory, and is refused before anything is listed, read or deleted.
    const empty = args.indexOf("");
    if (empty >= 0) {
      throw new UsageError(`operand ${empty + 1} of ${cmd.name()} is empty (""): an empty location names nothing (write . for the current directory); nothing was done`);
    }
    await action(ctx, args, opts);
  };
  const program = buildProgram(io, bind);
  // `stowage help <name>`: commander prints the whole help, as an error, for a name that is no
  // command (`help` too): the line `stowage <name>` gives instead, or for `help help` the help.
  const topic = helpTopic(program, argv);
  if (topic === "help") {
    program.outputHelp();
    return EXIT_CODES.ok;
  }
  if (topic !== undefined && !program.commands.some((cmd) => cmd.name() === topic || cmd.aliases().includes(topic))) {
    io.stderr.write(`stowage: unknown command '${topic}'\n(run stowage --help for the commands)\n`);
    return EXIT_CODES.usage;
  }
  // Entries a listing left out (local names no key can address, keys no path can address) are
  // reported by a process warning each: counted here, so a command that left some out never ends
  // with success. Each listing page of a local directory warns again: one line (and one count) per directory.
  // The listener hears every warning of the process; it counts those of this command's own listings
  // (another run() going on at the same time counts its own).
  const unlisted = new UnlistedReport((line) => io.stderr.write(line));
  process.on("warning", unlisted.onWarning);
  // A failed write to stdout (EPIPE, ENOSPC...) stops the command at its next line of output; the
  // exit code stays the command's own when it had failed already (settleOutput).
  watchOutput(io.stdout);
  try {
    await unlisted.run(() => program.parseAsync([...argv], { from: "user" }));
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    const code = ctx?.exitCode ?? EXIT_CODES.ok;
    if (!unlisted.any) return settleOutput(io.stdout, io.stderr, code);
    unlisted.summarize();
    return settleOutput(io.stdout, io.stderr, code === EXIT_CODES.ok ? EXIT_CODES.ObjectModeInvalid : code);
  } catch (e) {
    if (e instanceof CommanderError) return settleOutput(io.stdout, io.stderr, e.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage);
    // What listings left out before the failure is still said (their warnings come a tick later).
    await new Promise((resolve) => setImmediate(resolve));
    if (unlisted.any) unlisted.summarize();
    const failed = outputError(io.stdout);
    if (failed !== undefined && isOutputFailure(e, failed)) {
      // Stopped by its output, not by a failure of its own: the code it had come to, if any.
      const own = ctx?.exitCode || (unlisted.any ? EXIT_CODES.ObjectModeInvalid : EXIT_CODES.ok);
      return settleOutput(io.stdout, io.stderr, own);
    }
    const interrupted = isAbort(e) && signal.aborted;
    io.stderr.write(`stowage: ${interrupted ? "interrupted" : describeError(e, argv.includes("--debug"))}\n`);
    return settleOutput(io.stdout, io.stderr, exitCodeOf(e));
  } finally {
    process.off("warning", unlisted.onWarning);
  }
}
