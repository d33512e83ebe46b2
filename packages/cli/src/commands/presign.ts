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
  try {
    return JSON.parse(text) as Part[];
  } catch {
    throw new UsageError(`--parts: ${from === "-" ? "stdin" : from} is not JSON (want [{"index":0,"size":8388608,"etag":"..."}, ...])`);
  }
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
