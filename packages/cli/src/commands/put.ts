import type { Command } from "commander";
import { ErrorCode, isStorageError, planPartSize, StorageError } from "@stowage/core";
import type { CliContext } from "../context.js";
import { describe } from "../locations.js";
import { formatBytes } from "../format.js";
import { shownPath } from "../shown-path.js";
import { UsageError } from "../errors.js";
import { contentTypeFor } from "../transfer/content-type.js";
import { addHeaderOptions, addTypeOptions, givenFieldsOf, refuseUnstorable } from "../transfer/given-fields.js";
import { givenInPartsError } from "../transfer/in-parts.js";
import { transferObject } from "../transfer/jobs.js";
import { addTransferOptions, addUploadOptions, refuseStreamFlags, size, transferSettings, tuneFor } from "../transfer/settings.js";
import { newStats } from "../transfer/stats.js";
import type { Bind, CommandOptions } from "./command.js";

async function put(ctx: CliContext, [file, dest]: string[], opts: CommandOptions): Promise<void> {
  const settings = transferSettings(opts);
  const writeOptions = givenFieldsOf(opts);
  const dstLoc = ctx.locations.parse(dest!);
  const expectedSize = opts["expectedSize"] as number | undefined;
  if (file !== "-") {
    if (expectedSize !== undefined) throw new UsageError("--expected-size is for put - (a file's size is known)");
    await transferObject(ctx, "put", ctx.locations.local(file!), dstLoc, settings, false, writeOptions);
    return;
  }
  if (dstLoc.path.endsWith("/")) throw new UsageError("put - needs an object name, not a directory, as destination");
  refuseStreamFlags("put", settings, false);
  const started = performance.now();
  const { endpoint, key } = await ctx.locations.object(dstLoc);
  refuseUnstorable("put", endpoint.store, writeOptions);
  // A tuning flag given wins; else the destination's multipart_threshold, part_size and concurrency pairs; else the flags' defaults.
  const tuned = tuneFor(settings, dstLoc.query);
  // A pipe has no name: the destination's suggests the type (`--content-type` wins).
  const guessed = contentTypeFor(endpoint.store, undefined, undefined, key, settings.guessContentType !== false);
  // Stdin's length is unknown: the size it is expected to have sizes the parts (a hint, not a limit).
  const limits = endpoint.store.features.limits;
  const partSize =
    expectedSize === undefined || !endpoint.store.features.multipart
      ? tuned.partSize
      : planPartSize({ expectedSize, partSize: tuned.partSize, multipartSizeMinimum: limits.multipartSizeMinimum, multipartSizeMaximum: limits.multipartSizeMaximum, multipartNumberMaximum: limits.multipartNumberMaximum });
  const result = await endpoint.store
    .write(key, ctx.io.stdin, {
      signal: ctx.signal,
      multipartThreshold: tuned.largeThreshold,
      partSize,
      concurrency: tuned.partConcurrency,
      ...(guessed === undefined ? {} : { contentType: guessed }),
      ...writeOptions,
    })
    // More than the threshold came: a header flag QingStor stores only with one request is refused.
    .catch((e: unknown) => Promise.reject(givenInPartsError(tooLongForParts(e), endpoint.store, writeOptions, tuned.largeThreshold)));
  ctx.info(`put: stored ${formatBytes(result.size)} at ${shownPath(describe(endpoint, key))}${result.crc64 ? ` (crc64 ${result.crc64})` : ""}`);
  if (settings.statsJson) {
    // The same shape as every other transfer's summary.
    const stats = newStats("put", false);
    stats.objects.planned = stats.objects.copied = 1;
    stats.bytes.planned = stats.bytes.copied = stats.bytes.sent = result.size;
    stats.durationMs = Math.round(performance.now() - started);
    ctx.out(JSON.stringify(stats));
  }
}

/** Stdin longer than its parts hold (core's "body needs more than N parts …"), with the remedy in the flags' words. */
function tooLongForParts(e: unknown): unknown {
  if (!isStorageError(e, ErrorCode.InvalidArgument) || !e.detail.startsWith("body needs more than ")) return e;
  const detail = `${e.detail}; put -: give --expected-size (about how many bytes stdin gives) or a larger --part-size`;
  return new StorageError({ code: e.code, message: detail, op: e.op, service: e.service, path: e.path });
}

/** `stowage put <file|-> <location>`: upload a local file or stdin. */
export function registerPut(program: Command, bind: Bind): void {
  const cmd = program
    .command("put")
    .description("upload a local file (or stdin, as -) to an object")
    .argument("<file>", "local file, or - for stdin")
    .argument("<location>", "destination object (a trailing / keeps the file's name)");
  addTransferOptions(addUploadOptions(addHeaderOptions(addTypeOptions(cmd, "the one the file's extension, or for stdin the object name's, suggests"))))
    .option(
      "--expected-size <size>",
      "put -: about how many bytes stdin will give, a hint rather than a limit: parts are sized so that many fit the service's part-count limit (without it stdin holds at most the part size × 10,000 bytes)",
      size,
    )
    .addHelpText(
      "after",
      "\nExamples:\n  stowage put ./db.dump backup:2026/db.dump\n  tar c /srv/data | stowage put --expected-size 200G - backup:data.tar\n" +
        "  stowage put --content-encoding gzip --content-type text/css ./site.css.gz backup:site/site.css",
    )
    .action(bind(put));
}
