import { createHash } from "node:crypto";
import { InvalidArgumentError, type Command } from "commander";
import { ErrorCode, globalPairs, storageError, type ObjectHeaders, type StorageFeatures, type Storager } from "@stowage/core";
import { UsageError } from "../errors.js";

/**
 * What the command line sets on every object a transfer writes (`--content-type`, `--metadata`,
 * `--cache-control`, `--content-disposition`, `--content-encoding`, `--expires` on put, cp, mv and
 * sync): it wins over what the source has (`--metadata` replacing the source's metadata as a whole).
 */
export interface GivenFields extends ObjectHeaders {
  contentType?: string;
  metadata?: Record<string, string>;
}

/** A field the command line may set: its flag, the feature the destination needs, and its HTTP header's name. */
interface GivenField {
  field: keyof GivenFields;
  flag: string;
  feature: keyof StorageFeatures & keyof GivenFields | "userMetadata";
  header: string;
}

/** The {@link ObjectHeaders} flags (aws s3 cp's names), each with its field, feature and header. */
export const HEADER_FLAGS: ReadonlyArray<GivenField & { field: keyof ObjectHeaders }> = [
  { field: "cacheControl", flag: "--cache-control", feature: "cacheControl", header: "Cache-Control" },
  { field: "contentDisposition", flag: "--content-disposition", feature: "contentDisposition", header: "Content-Disposition" },
  { field: "contentEncoding", flag: "--content-encoding", feature: "contentEncoding", header: "Content-Encoding" },
  { field: "httpExpires", flag: "--expires", feature: "httpExpires", header: "Expires" },
];

/** Every field of {@link GivenFields}, with `put`'s own two first. */
const GIVEN_FIELDS: readonly GivenField[] = [
  { field: "contentType", flag: "--content-type", feature: "contentType", header: "Content-Type" },
  { field: "metadata", flag: "--metadata", feature: "userMetadata", header: "user metadata" },
  ...HEADER_FLAGS,
];

/** The HTTP header name of an {@link ObjectHeaders} field (`cacheControl` → `Cache-Control`). */
export function headerNameOf(field: keyof ObjectHeaders): string {
  return HEADER_FLAGS.find((f) => f.field === field)!.header;
}

/**
 * A flag parser refusing (as a usage error, exit 2) a value core's check of `pair` refuses, naming
 * `header` (`Cache-Control`); presign's `--response-cache-control` and the like use it too.
 */
export function pairFlag(pair: keyof typeof globalPairs, header: string): (value: string) => string {
  return (value) => {
    const def = globalPairs[pair] as { validate?: (v: unknown) => string | undefined };
    const problem = def.validate?.(value);
    if (problem !== undefined) throw new InvalidArgumentError(`${header} ${problem}`);
    return value;
  };
}

/** A flag parser refusing (as a usage error, exit 2) a value core's pair check for `field` refuses. */
export function headerFlag(field: keyof ObjectHeaders): (value: string) => string {
  return pairFlag(field, headerNameOf(field));
}

/**
 * `--expires` (presign: `--expires-header`, `--response-expires`): any date `Date.parse` reads (`2027-01-01`, `2027-01-01T08:00:00+08:00`, an HTTP
 * date) in the years 1970 to 9999, sent as the HTTP date `toUTCString()` gives (`Fri, 01 Jan 2027 00:00:00 GMT`).
 * @throws InvalidArgumentError (a usage error, exit 2) for a date it cannot read, a bare number (read as a year) or a year outside 1970-9999
 */
export function httpDateFlag(value: string): string {
  // A bare number is no date here (Date.parse reads `3600` as the year 3600): presign's --expires takes seconds.
  const ms = /^\s*\d+\s*$/.test(value) ? Number.NaN : Date.parse(value);
  const year = Number.isNaN(ms) ? 0 : new Date(ms).getUTCFullYear();
  if (year < 1970 || year > 9999) throw new InvalidArgumentError(`not a date (give one such as 2027-01-01T00:00:00Z or "Fri, 01 Jan 2027 00:00:00 GMT"; a number of seconds is no date)`);
  return new Date(ms).toUTCString();
}

/**
 * `--metadata key=value` (repeatable): the entries so far, with this one. Checked as the command
 * line is read, with core's own check of the `metadata` option (a key that is an HTTP token, a
 * value of printable ASCII not starting or ending with a space or tab) and its rule that keys are
 * case-insensitive (`a=1` and `A=2` name one key twice), so that a bad entry is one usage line
 * naming the flag, before anything is listed or written.
 * @throws UsageError (exit 2) for a value without `=` or with an empty key, a key given twice, or
 *   a key or value core's `metadata` check refuses
 */
export function metadataPair(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new UsageError(`--metadata wants key=value, got ${JSON.stringify(value)}`);
  const [key, v] = [value.slice(0, eq), value.slice(eq + 1)];
  const twice = Object.keys(previous ?? {}).find((k) => k.toLowerCase() === key.toLowerCase());
  if (twice !== undefined) throw new UsageError(`--metadata: key ${JSON.stringify(key)} is given twice (keys are case-insensitive: ${JSON.stringify(twice)} came first)`);
  const def = globalPairs.metadata as { validate?: (v: unknown) => string | undefined };
  const problem = def.validate?.({ [key]: v });
  if (problem !== undefined) throw new UsageError(`--metadata: ${problem}`);
  return { ...previous, [key]: v };
}

/**
 * `--content-type` (put, cp, mv, sync): refused as the command line is read, as the other header
 * flags are ({@link headerFlag}), when core's `contentType` check refuses it (control characters,
 * beyond ASCII, a leading or trailing space); an empty one too, which would store no type at all
 * only in appearance (the guessed one is stored): `--no-guess-content-type` is the flag for that.
 * @throws InvalidArgumentError (a usage error, exit 2, naming the flag)
 */
export function contentTypeFlag(value: string): string {
  if (value === "") throw new InvalidArgumentError("Content-Type must not be empty (to store none rather than a type guessed from the name, give --no-guess-content-type)");
  return pairFlag("contentType", "Content-Type")(value);
}

/** What cp, mv and sync store without `--content-type`. */
export const TYPE_DEFAULT = "the source's; from a local file, the one its extension suggests";

/**
 * Adds `--content-type` and `--metadata` (put, cp, mv, sync); `typeDefault` says what an object gets
 * without the flag. `--metadata` replaces the source's user metadata as a whole.
 */
export function addTypeOptions(cmd: Command, typeDefault: string): Command {
  return cmd
    .option("--content-type <type>", `Content-Type to store with every object written (default: ${typeDefault})`, contentTypeFlag)
    .option("--metadata <key=value>", "user metadata to store with every object written, instead of the source's (repeatable)", metadataPair);
}

/** Adds `--cache-control`, `--content-disposition`, `--content-encoding` and `--expires` (put, cp, mv, sync). */
export function addHeaderOptions(cmd: Command): Command {
  return cmd
    .option("--cache-control <value>", "Cache-Control to store with every object written, e.g. 'public, max-age=86400' (default: the source's)", headerFlag("cacheControl"))
    .option(
      "--content-disposition <value>",
      "Content-Disposition to store, e.g. 'attachment; filename=\"report.pdf\"' (printable ASCII; default: the source's)",
      headerFlag("contentDisposition"),
    )
    .option("--content-encoding <value>", "Content-Encoding label to store, e.g. gzip: the bytes are sent as they are, never compressed (default: the source's)", headerFlag("contentEncoding"))
    .option("--expires <http-date>", "Expires to store: a date (2027-01-01T00:00:00Z, or an HTTP date), sent as an HTTP date (default: the source's)", httpDateFlag);
}

/**
 * The fields the command line set (undefined when none): `--content-type`, `--metadata` and the
 * {@link HEADER_FLAGS}.
 * @throws nothing
 */
export function givenFieldsOf(opts: Record<string, unknown>): GivenFields | undefined {
  const out: GivenFields = {};
  const contentType = opts["contentType"] as string | undefined;
  const metadata = opts["metadata"] as Record<string, string> | undefined;
  if (contentType) out.contentType = contentType;
  if (metadata) out.metadata = metadata;
  if (typeof opts["cacheControl"] === "string") out.cacheControl = opts["cacheControl"];
  if (typeof opts["contentDisposition"] === "string") out.contentDisposition = opts["contentDisposition"];
  if (typeof opts["contentEncoding"] === "string") out.contentEncoding = opts["contentEncoding"];
  if (typeof opts["expires"] === "string") out.httpExpires = opts["expires"];
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Refuses, before anything is planned or written, a flag whose field `dst` cannot store (fs: none of
 * them): the whole command fails with the code a write would fail with, naming the flag.
 * @throws StorageError `PairUnsupported` (exit 6; nothing transferred)
 */
export function refuseUnstorable(command: string, dst: Storager, given: GivenFields | undefined): void {
  if (given === undefined) return;
  const refused = GIVEN_FIELDS.filter((f) => given[f.field] !== undefined && dst.features[f.feature] !== true);
  if (refused.length === 0) return;
  const service = dst.info.service;
  const what = refused.map((f) => `${f.flag}: ${service} stores no ${f.header} (it lacks the ${f.feature} feature)`).join("; ");
  throw storageError(ErrorCode.PairUnsupported, `${what}; nothing was transferred`, { op: command, service });
}

/**
 * The destination's connection pairs that set what every object written gets: open-time defaults
 * (`default_storage_class`, `default_content_type`, `default_server_side_encryption`...), a storage
 * class, and SSE modes and algorithms. Keys, tokens and credentials are left out (a checkpoint file
 * holds no digest of a secret), and so is anything about reaching the service.
 * @throws nothing
 */
export function writtenPairs(query: string): Array<[string, string]> {
  return shapingPairs(query, false);
}

/**
 * The destination's connection pairs that set what every object written gets but are secret: an
 * SSE-C customer key (and its MD5) and a KMS encryption context, as `default_` pairs too. They never
 * join {@link writtenPairs} (a checkpoint file holds no digest of a secret); a default checkpoint
 * is named after them instead (checkpoint-identity.ts), so another key means another file.
 * @throws nothing
 */
export function writtenSecretPairs(query: string): Array<[string, string]> {
  return shapingPairs(query, true);
}

/** The pairs that shape what is written (see {@link writtenPairs}), the secret ones or the others, sorted. */
function shapingPairs(query: string, secrets: boolean): Array<[string, string]> {
  const secret = /(^|_)(key|key_md5|token|secret|credential|context)$/;
  const shapes = /^(default_|storage_class$|server_side_encryption|encryption_)/;
  return [...new URLSearchParams(query)]
    .filter(([k]) => shapes.test(k) && secret.test(k) === secrets)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
}

/**
 * A digest of what a transfer sets on every object it writes, for its checkpoint: the given fields
 * (`--content-type`, `--metadata`, the header flags), `--no-guess-content-type` (`guess` false) and
 * the destination's {@link writtenPairs} (`dstQuery`: its connection string's pairs). A re-run whose
 * digest differs does not skip objects an earlier run finished with other attributes, nor resume
 * their uploads. Undefined when nothing is set (as a checkpoint without one records).
 * @throws nothing
 */
export function writesDigest(given: GivenFields | undefined, guess: boolean, dstQuery = ""): string | undefined {
  const pairs = writtenPairs(dstQuery);
  if (given === undefined && guess && pairs.length === 0) return undefined;
  const fields = Object.entries(given ?? {})
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, k === "metadata" ? Object.entries(v as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : v]);
  // The pairs join the digest only when there are some: checkpoints written before keep matching.
  return createHash("sha256").update(JSON.stringify(pairs.length === 0 ? { fields, guess } : { fields, guess, pairs })).digest("hex").slice(0, 32);
}
