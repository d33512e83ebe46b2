import { InvalidArgumentError, type Command } from "commander";
import { globalPairs, parsePairValue } from "@stowage/core";
import { UsageError } from "../errors.js";
import { parseCount, parseRate, parseSize } from "../format.js";
import { defaultConcurrency } from "./open-files.js";

/** How a copy, move or sync moves data. Every field has a flag. */
export interface TransferSettings {
  /** Objects larger than this are "large": sent in concurrent parts (multipart). */
  largeThreshold: number;
  /** Large objects in flight at once. */
  largeConcurrency: number;
  /** Small objects in flight at once. */
  smallConcurrency: number;
  /** Part size of large objects. */
  partSize: number;
  /** Parts of one large object in flight at once. */
  partConcurrency: number;
  /** Ranges of one large object read from the source at once (1: one request per object). */
  readConcurrency: number;
  /** Bytes per second read from the source, over all transfers; undefined = unlimited. */
  bwlimit: number | undefined;
  /** Re-read every copied object and compare its CRC64 (not only the service's checksums). */
  verify: boolean;
  /** Use the service's own copy when source and destination share an account. */
  serverSide: boolean;
  /** Print what would happen, change nothing. */
  dryRun: boolean;
  /** Checkpoint file; undefined picks one under the state dir; false disables resume. */
  checkpoint: string | false | undefined;
  /** Globs a path must match (any of), relative to the source directory. */
  include: string[];
  /** Globs a path must not match. */
  exclude: string[];
  /** Print a JSON summary on stdout when done. */
  statsJson: boolean;
  /** Copy what symbolic links in a tree point to, instead of skipping them. */
  copyLinks: boolean;
  /**
   * Store the Content-Type a local file's name suggests (`--no-guess-content-type`: false) when
   * the destination stores content types and nothing else sets one. Undefined counts as true.
   */
  guessContentType?: boolean;
  /**
   * The write-tuning flags the user actually gave (none when absent). The others take the destination's
   * `multipart_threshold`, `part_size` and `concurrency` pairs when it has them, so a connection string's
   * tuning is not overridden by the flags' defaults.
   */
  given?: Readonly<Partial<Record<TuningSetting, number>>>;
}

/** The settings a destination's connection string (or profile) may also set. */
export type TuningSetting = "largeThreshold" | "partSize" | "partConcurrency";

/** Each tuning setting and the pair that sets it in a connection string. */
const TUNING_PAIRS: ReadonlyArray<readonly [TuningSetting, keyof typeof globalPairs]> = [
  ["largeThreshold", "multipartThreshold"],
  ["partSize", "partSize"],
  ["partConcurrency", "concurrency"],
];

const MiB = 1024 * 1024;

/** The defaults of COS Migration's `config.ini`: 5 MiB large-file threshold, 8 large and 64 small in flight. */
export const TRANSFER_DEFAULTS = {
  largeThreshold: 5 * MiB,
  largeConcurrency: 8,
  smallConcurrency: 64,
  partSize: 8 * MiB,
  partConcurrency: 4,
} as const;

/**
 * A commander option parser from a plain one: its RangeError becomes commander's
 * InvalidArgumentError (a usage error, exit 2, with the parser's message).
 */
export function flagParser<T>(parse: (text: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

/** Commander parser for sizes (`5M`, `1GiB`...). */
export const size = flagParser(parseSize);

function positiveSize(value: string): number {
  const n = size(value);
  if (n <= 0) throw new InvalidArgumentError(`"${value}" must be more than 0 bytes`);
  return n;
}

/** Commander parser for rates (`10M`, `1.3M`: a fraction rounded down to whole bytes). */
const rate = flagParser(parseRate);

function positiveRate(value: string): number {
  const n = rate(value);
  // A rate: `--bwlimit 0` (or `0.0001K`, rounded down to 0) is refused in bytes per second, not as a size.
  if (n <= 0) throw new InvalidArgumentError(`"${value}" must be more than 0 bytes per second`);
  return n;
}

/** Commander parser for counts ≥ 1. */
export const count = flagParser((value) => parseCount(value, 1));

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `--include` and `--exclude` (repeatable). */
export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option("--include <glob>", "only paths matching this glob (repeatable; no '/' in the glob matches the file name at any depth)", collect, [])
    .option("--exclude <glob>", "skip paths matching this glob (repeatable)", collect, []);
}

/** Adds the tuning, resume, verify and output flags shared by cp, mv, sync, put and get. */
export function addTransferOptions(cmd: Command): Command {
  const d = TRANSFER_DEFAULTS;
  return cmd
    .option("--large-threshold <size>", "objects above this size go in concurrent parts (default: the destination's multipart_threshold, else 5MiB)", positiveSize)
    .option("--large-concurrency <n>", `large objects in flight (default: ${d.largeConcurrency}, fewer on Linux where the open-files limit is low)`, count)
    .option("--small-concurrency <n>", `small objects in flight (default: ${d.smallConcurrency}, fewer on Linux where the open-files limit is low)`, count)
    .option("--part-size <size>", "part size of large objects (default: the destination's part_size, else 8MiB)", positiveSize)
    .option("--part-concurrency <n>", "parts of one large object in flight (default: the destination's concurrency, else 4)", count)
    .option("--read-concurrency <n>", "ranges of one large object read from the source at once, part-size each, at most 64 MiB (helps where one connection is slower than the link)", count, 1)
    .option("--bwlimit <rate>", "limit reading to this many bytes per second (e.g. 10M, 1.5M)", positiveRate)
    .option("--verify", "re-read every copied object and compare its CRC64", false)
    .option("--no-server-side", "never use the service's own copy, always stream the bytes")
    .option("--checkpoint <file>", "checkpoint file for resume; an existing file that is not this transfer's checkpoint is refused, left as it is (default: one per source and destination under the state dir)")
    .option("--no-checkpoint", "do not record or resume from a checkpoint")
    .option("--stats-json", "print a JSON summary (objects, bytes sent, parts resumed...) on stdout", false)
    .option("-L, --copy-links", "copy what symbolic links point to (links to files), instead of skipping links", false);
}

/** Adds `--no-guess-content-type`, to the commands that upload (put, cp, mv, sync). */
export function addUploadOptions(cmd: Command): Command {
  return cmd.option(
    "--no-guess-content-type",
    "store no Content-Type guessed from a local file's extension (put -: the object name's); by default .html gets text/html, an unknown extension none",
  );
}

/** The settings from a command's parsed options. */
export function transferSettings(opts: Record<string, unknown>): TransferSettings {
  const checkpoint = opts["checkpoint"];
  const given: Partial<Record<TuningSetting, number>> = {};
  for (const [setting] of TUNING_PAIRS) if (typeof opts[setting] === "number") given[setting] = opts[setting] as number;
  const d = TRANSFER_DEFAULTS;
  const fitted = defaultConcurrency(d.smallConcurrency, d.largeConcurrency, d.partConcurrency);
  return {
    largeThreshold: (opts["largeThreshold"] as number | undefined) ?? TRANSFER_DEFAULTS.largeThreshold,
    largeConcurrency: (opts["largeConcurrency"] as number | undefined) ?? fitted.large,
    smallConcurrency: (opts["smallConcurrency"] as number | undefined) ?? fitted.small,
    partSize: (opts["partSize"] as number | undefined) ?? TRANSFER_DEFAULTS.partSize,
    partConcurrency: (opts["partConcurrency"] as number | undefined) ?? TRANSFER_DEFAULTS.partConcurrency,
    readConcurrency: (opts["readConcurrency"] as number | undefined) ?? 1,
    bwlimit: opts["bwlimit"] as number | undefined,
    verify: opts["verify"] === true,
    serverSide: opts["serverSide"] !== false,
    dryRun: opts["dryRun"] === true,
    checkpoint: checkpoint === false ? false : typeof checkpoint === "string" ? checkpoint : undefined,
    include: (opts["include"] as string[] | undefined) ?? [],
    exclude: (opts["exclude"] as string[] | undefined) ?? [],
    statsJson: opts["statsJson"] === true,
    copyLinks: opts["copyLinks"] === true,
    guessContentType: opts["guessContentType"] !== false,
    given,
  };
}

/**
 * The settings for writing to a destination whose connection string (or profile) has the
 * pairs `query` (re-encoded, as in `Location.query`): each tuning setting whose flag was not
 * given takes the destination's `multipart_threshold`, `part_size` or `concurrency`, parsed as
 * core parses them, so a connection string's tuning is not overridden by the flags' defaults.
 * A value that does not parse is left to opening the destination to report.
 * @throws nothing.
 */
export function tuneFor(settings: TransferSettings, query: string): TransferSettings {
  if (query === "") return settings;
  const params = new URLSearchParams(query);
  const out: TransferSettings = { ...settings };
  for (const [setting, pair] of TUNING_PAIRS) {
    if (settings.given?.[setting] !== undefined) continue;
    const raw = params.get(globalPairs[pair].name);
    if (raw === null) continue;
    try {
      out[setting] = parsePairValue(globalPairs[pair], raw) as number;
    } catch {
      // the destination's open refuses it with ConnectionStringInvalid
    }
  }
  return out;
}

/**
 * Refuses the transfer flags a stream form (`put -`, `get … -`) cannot honour: it reads or writes a
 * pipe once, so there is nothing to re-read (`--verify`), pace (`--bwlimit`) or resume
 * (`--checkpoint`), and `get -` has stdout for the data (`--stats-json`).
 * @throws UsageError naming the flags, each with its reason
 */
export function refuseStreamFlags(command: string, settings: TransferSettings, toStdout: boolean): void {
  const once = [
    settings.verify ? "--verify" : "",
    settings.bwlimit !== undefined ? "--bwlimit" : "",
    typeof settings.checkpoint === "string" ? "--checkpoint" : "",
  ].filter((f) => f !== "");
  const reasons = [
    ...(once.length > 0 ? [`${once.join(", ")}: a pipe is read or written once`] : []),
    ...(toStdout && settings.statsJson ? ["--stats-json: stdout carries the object, so it has no room for the JSON summary"] : []),
  ];
  if (reasons.length > 0) throw new UsageError(`${command} with - does not take ${reasons.join("; ")}`);
}
