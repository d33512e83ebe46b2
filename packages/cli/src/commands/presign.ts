import type { Command } from "commander";
import { Option } from "commander";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ObjectHeaders, Part, PresignOperation, PresignOptions } from "@stowage/core";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { parseCount } from "../format.js";
import { namesDirectory } from "../slashed-operand.js";
import { headerFlag, httpDateFlag, pairFlag } from "../transfer/given-fields.js";
import { count, flagParser, size } from "../transfer/settings.js";
import type { Bind, CommandOptions } from "./command.js";
import { shownPath } from "../shown-path.js";

const OPERATIONS: readonly PresignOperation[] = ["read", "write", "delete", "createMultipart", "writeMultipart", "listMultipart", "completeMultipart"];

async function presign(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  const loc = ctx.locations.parse(arg!);
  refuseFlagsOfOtherMethods(opts);
  const { endpoint, key } = await ctx.locations.object(loc);
  // `d/` names a directory (README): never sign the key `d`.
  if (namesDirectory(loc)) throw new UsageError(`${shownPath(loc.display)} ends in / (a directory): presign signs one object; write its path without the trailing /`);
  const op = opts["method"] as PresignOperation;
  const options: PresignOptions = { expires: opts["expires"] as number, signal: ctx.signal };
  // Only what was given: core refuses an option the operation does not take.
  if (opts["multipartId"] !== undefined) options.multipartId = opts["multipartId"] as string;
  if (opts["index"] !== undefined) options.index = opts["index"] as number;
  if (opts["offset"] !== undefined) options.offset = opts["offset"] as number;
  if (opts["size"] !== undefined) options.size = opts["size"] as number;
  if (opts["contentType"] !== undefined) options.contentType = opts["contentType"] as string;
  if (opts["contentMd5"] !== undefined) options.contentMd5 = opts["contentMd5"] as string;
  if (opts["responseContentType"] !== undefined) options.responseContentType = opts["responseContentType"] as string;
  if (opts["responseContentDisposition"] !== undefined) options.responseContentDisposition = opts["responseContentDisposition"] as string;
  for (const [flag, option] of PASSED) if (opts[flag] !== undefined) options[option] = opts[flag] as string;
  if (opts["parts"] !== undefined) options.parts = await readParts(ctx, opts["parts"] as string);
  const request = await endpoint.store.presign(op, key, options);
  // A request with a body, or with headers the sender must send as they are (signed ones: a
  // Content-Type, OSS's range behaviour), is useless as a bare URL: it is printed whole.
  if (opts["json"] || request.body !== undefined || needsHeaders(request.headers)) ctx.out(JSON.stringify(request));
  else ctx.out(request.url);
}

/**
 * The flags (commander's names, and as typed) that only some methods take, and those methods: the
 * CLI's side of core's table of presign options, so that a misplaced flag is named as typed.
 */
const TAKEN_BY: ReadonlyArray<readonly [string, string, readonly PresignOperation[]]> = [
  ["multipartId", "--multipart-id", ["delete", "writeMultipart", "listMultipart", "completeMultipart"]],
  ["index", "--index", ["writeMultipart"]],
  ["parts", "--parts", ["completeMultipart"]],
  ["offset", "--offset", ["read"]],
  ["size", "--size", ["read", "write", "writeMultipart"]],
  ["contentType", "--content-type", ["write", "createMultipart"]],
  ["contentMd5", "--content-md5", ["write", "writeMultipart"]],
  ["cacheControl", "--cache-control", ["write", "createMultipart"]],
  ["contentDisposition", "--content-disposition", ["write", "createMultipart"]],
  ["contentEncoding", "--content-encoding", ["write", "createMultipart"]],
  ["expiresHeader", "--expires-header", ["write", "createMultipart"]],
  ["responseContentType", "--response-content-type", ["read"]],
  ["responseContentDisposition", "--response-content-disposition", ["read"]],
  ["responseCacheControl", "--response-cache-control", ["read"]],
  ["responseContentEncoding", "--response-content-encoding", ["read"]],
  ["responseContentLanguage", "--response-content-language", ["read"]],
  ["responseExpires", "--response-expires", ["read"]],
];

/** The flags each method cannot do without. */
const NEEDED_BY: Partial<Record<PresignOperation, readonly string[]>> = {
  writeMultipart: ["multipartId", "index"],
  listMultipart: ["multipartId"],
  completeMultipart: ["multipartId", "parts"],
};

/**
 * Refuses, before anything is opened or read, a flag `--method` does not take and a missing flag
 * it needs, naming them as typed (core would name its options: `multipartId`, exit 7 or 11).
 * @throws UsageError (exit 2)
 */
function refuseFlagsOfOtherMethods(opts: CommandOptions): void {
  const op = opts["method"] as PresignOperation;
  const flagOf = (name: string): string => TAKEN_BY.find(([n]) => n === name)![1];
  const foreign = TAKEN_BY.filter(([name, , ops]) => opts[name] !== undefined && !ops.includes(op));
  if (foreign.length > 0) {
    const [, flag, ops] = foreign[0]!;
    throw new UsageError(`presign --method ${op} does not take ${flag} (only --method ${ops.join(", ")}); nothing was signed`);
  }
  const missing = (NEEDED_BY[op] ?? []).filter((name) => opts[name] === undefined).map(flagOf);
  if (missing.length > 0) {
    const needed = (NEEDED_BY[op] ?? []).map(flagOf);
    throw new UsageError(`presign --method ${op} needs ${needed.join(" and ")} (${missing.join(" and ")} not given); nothing was signed`);
  }
}

/** True when a presigned request carries headers a client would not send by itself (`host` it always does). */
function needsHeaders(headers: Record<string, string> | undefined): boolean {
  return headers !== undefined && Object.keys(headers).some((name) => name.toLowerCase() !== "host");
}

/** The parts of `--parts`: a JSON array of `{ index, size, etag }` in a file, or on stdin for `-`. */
async function readParts(ctx: CliContext, from: string): Promise<Part[]> {
  let text: string;
  if (from === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
    text = Buffer.concat(chunks).toString("utf8");
  } else {
    text = await readFile(resolve(ctx.io.cwd, from), "utf8").catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`--parts: cannot read ${from} (${e.code ?? e.message})`);
    });
  }
  const where = from === "-" ? "stdin" : from;
  let parts: unknown;
  try {
    parts = JSON.parse(text);
  } catch {
    throw new UsageError(`--parts: ${where} is not JSON (want ${PARTS_SHAPE})`);
  }
  const problem = partsProblem(parts);
  if (problem !== undefined) throw new UsageError(`--parts: ${where} is JSON, but ${problem} (want ${PARTS_SHAPE})`);
  return parts as Part[];
}

/** What `--parts` holds, as its errors show it. */
const PARTS_SHAPE = '[{"index":0,"size":8388608,"etag":"..."}, ...]';

/**
 * Why `value` (parsed `--parts`) is no list of parts as core's completeMultipart takes them: an
 * array of at least one object, each with a whole index and size of 0 or more, a non-empty etag
 * string and, if any, a crc64 in a decimal string. Undefined when it is one.
 * @throws nothing
 */
function partsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "not an array";
  if (value.length === 0) return "an empty array (a completed upload has at least one part)";
  for (const [at, part] of (value as unknown[]).entries()) {
    const p = part as Record<string, unknown> | null;
    const which = `part #${at} (in the order given)`;
    if (p === null || typeof p !== "object" || Array.isArray(p)) return `${which} is not an object`;
    if (!Number.isSafeInteger(p["index"]) || (p["index"] as number) < 0) return `${which} has no whole "index" of 0 or more`;
    if (!Number.isSafeInteger(p["size"]) || (p["size"] as number) < 0) return `${which} has no whole "size" of 0 or more`;
    if (typeof p["etag"] !== "string" || p["etag"] === "") return `${which} has no non-empty "etag" string`;
    if (p["crc64"] !== undefined && (typeof p["crc64"] !== "string" || !/^[0-9]{1,20}$/.test(p["crc64"]))) return `${which} has a "crc64" that is not a decimal string`;
  }
  return undefined;
}

const wholeNumber = flagParser((value) => parseCount(value, 0));

/** Flags (commander's names) passed on as the presign option of another name, or of the same. */
const PASSED: ReadonlyArray<readonly [string, keyof ObjectHeaders | `response${"CacheControl" | "ContentEncoding" | "ContentLanguage" | "Expires"}`]> = [
  ["cacheControl", "cacheControl"],
  ["contentDisposition", "contentDisposition"],
  ["contentEncoding", "contentEncoding"],
  ["expiresHeader", "httpExpires"],
  ["responseCacheControl", "responseCacheControl"],
  ["responseContentEncoding", "responseContentEncoding"],
  ["responseContentLanguage", "responseContentLanguage"],
  ["responseExpires", "responseExpires"],
];

/** `stowage presign <location>`: a request anyone can send, without credentials, until it expires. */
export function registerPresign(program: Command, bind: Bind): void {
  program
    .command("presign")
    .description("print a signed URL that reads (or writes, deletes, or runs a step of a multipart upload of) an object without credentials until it expires")
    .argument("<location>", "the object")
    .addOption(new Option("--method <op>", "operation the request performs").choices(OPERATIONS).default("read"))
    .option("--expires <seconds>", "lifetime of the request", count, 3600)
    .option("--multipart-id <id>", "the upload (writeMultipart, listMultipart, completeMultipart; delete: abort it)")
    .option("--index <n>", "0-based part index (writeMultipart)", wholeNumber)
    .option("--offset <bytes>", "first byte to read (read; binding on COS only: elsewhere a Range header to send)", size)
    .option("--size <bytes>", "bytes to read (read), or the exact Content-Length the sender will send (write, writeMultipart); binding on COS only: on OSS and QingStor a header to send, not a limit", size)
    .option("--content-type <type>", "Content-Type the sender will send (write) or of the object (createMultipart)")
    .option("--content-md5 <base64>", "Content-MD5 the sender will send (write, writeMultipart)")
    .option("--cache-control <value>", "write, createMultipart: Cache-Control to store with the object (signed: the sender sends it as returned)", headerFlag("cacheControl"))
    .option("--content-disposition <value>", "write, createMultipart: Content-Disposition to store (printable ASCII; signed)", headerFlag("contentDisposition"))
    .option("--content-encoding <value>", "write, createMultipart: Content-Encoding label to store, e.g. gzip (signed; the bytes are stored as sent)", headerFlag("contentEncoding"))
    .option(
      "--expires-header <http-date>",
      "write, createMultipart: the Expires header to store, a date (2027-01-01T00:00:00Z, or an HTTP date) sent as an HTTP date (signed); what put and cp call --expires: here --expires is the URL's lifetime",
      httpDateFlag,
    )
    .option("--response-content-type <type>", "read: the Content-Type the service answers with")
    .option("--response-content-disposition <value>", 'read: the Content-Disposition it answers with, e.g. \'attachment; filename="a.pdf"\'')
    .option("--response-cache-control <value>", "read: the Cache-Control it answers with", pairFlag("responseCacheControl", "Cache-Control"))
    .option("--response-content-encoding <value>", "read: the Content-Encoding it answers with (a label: the bytes are sent as stored)", pairFlag("responseContentEncoding", "Content-Encoding"))
    .option("--response-content-language <value>", "read: the Content-Language it answers with, e.g. en", pairFlag("responseContentLanguage", "Content-Language"))
    .option("--response-expires <http-date>", "read: the Expires it answers with, a date (2027-01-01T00:00:00Z, or an HTTP date) sent as an HTTP date", httpDateFlag)
    .option("--parts <file>", 'completeMultipart: JSON [{"index":0,"size":...,"etag":"..."}, ...] in a file, or - for stdin')
    .option("--json", "print { method, url, headers, body } (headers and body the sender must send; always so when there is a body or a header other than host)")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  stowage presign backup:2026/db.dump --expires 600",
        "  stowage presign --response-content-disposition 'attachment; filename=\"db.dump\"' backup:2026/db.dump",
        "  stowage presign --method write --json backup:upload/new.bin",
        "  stowage presign --method write --cache-control 'max-age=86400' --expires-header 2027-01-01 backup:site/app.js",
        "  stowage presign --response-cache-control no-cache --response-content-language en backup:site/index.html",
        "  stowage presign --method writeMultipart --multipart-id <id> --index 0 --size 8M --json backup:big.bin",
        "  stowage presign --method completeMultipart --multipart-id <id> --parts parts.json backup:big.bin",
      ].join("\n"),
    )
    .action(bind(presign));
}
