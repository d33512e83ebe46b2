import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { describe } from "../locations.js";
import { formatBytes } from "../format.js";
import { UsageError } from "../errors.js";
import { contentTypeFor } from "../transfer/content-type.js";
import { addHeaderOptions, addTypeOptions, givenFieldsOf, refuseUnstorable } from "../transfer/given-fields.js";
import { givenInPartsError } from "../transfer/in-parts.js";
import { transferObject } from "../transfer/jobs.js";
import { addTransferOptions, addUploadOptions, refuseStreamFlags, transferSettings, tuneFor } from "../transfer/settings.js";
import { newStats } from "../transfer/stats.js";
import type { Bind, CommandOptions } from "./command.js";

async function put(ctx: CliContext, [file, dest]: string[], opts: CommandOptions): Promise<void> {
  const settings = transferSettings(opts);
  const writeOptions = givenFieldsOf(opts);
  const dstLoc = ctx.locations.parse(dest!);
  if (file !== "-") {
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
  const result = await endpoint.store
    .write(key, ctx.io.stdin, {
      signal: ctx.signal,
      multipartThreshold: tuned.largeThreshold,
      partSize: tuned.partSize,
      concurrency: tuned.partConcurrency,
      ...(guessed === undefined ? {} : { contentType: guessed }),
      ...writeOptions,
    })
    // More than the threshold came: a header flag QingStor stores only with one request is refused.
    .catch((e: unknown) => Promise.reject(givenInPartsError(e, endpoint.store, writeOptions, tuned.largeThreshold)));
  ctx.info(`put: stored ${formatBytes(result.size)} at ${describe(endpoint, key)}${result.crc64 ? ` (crc64 ${result.crc64})` : ""}`);
  if (settings.statsJson) {
    // The same shape as every other transfer's summary.
    const stats = newStats("put", false);
    stats.objects.planned = stats.objects.copied = 1;
    stats.bytes.planned = stats.bytes.copied = stats.bytes.sent = result.size;
    stats.durationMs = Math.round(performance.now() - started);
    ctx.out(JSON.stringify(stats));
  }
}

/** `stowage put <file|-> <location>`: upload a local file or stdin. */
export function registerPut(program: Command, bind: Bind): void {
  const cmd = program
    .command("put")
    .description("upload a local file (or stdin, as -) to an object")
    .argument("<file>", "local file, or - for stdin")
    .argument("<location>", "destination object (a trailing / keeps the file's name)");
  addTransferOptions(addUploadOptions(addHeaderOptions(addTypeOptions(cmd, "the one the file's extension, or for stdin the object name's, suggests"))))
    .addHelpText(
      "after",
      "\nExamples:\n  stowage put ./db.dump backup:2026/db.dump\n  tar c . | stowage put - fs:///srv/backups/site.tar\n" +
        "  stowage put --content-encoding gzip --content-type text/css ./site.css.gz backup:site/site.css",
    )
    .action(bind(put));
}
