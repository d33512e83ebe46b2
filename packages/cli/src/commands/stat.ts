import type { Command } from "commander";
import { contextOf, ErrorCode, isStorageError, redactSecrets, storageError, type ObjectInfo, type StorageError } from "@stowage/core";
import type { CliContext } from "../context.js";
import { isAbort } from "../errors.js";
import { formatBytes, formatDate } from "../format.js";
import { isRoot, rootExists } from "../transfer/jobs.js";
import type { Bind, CommandOptions } from "./command.js";
import type { Location } from "../locations.js";
import { forEachOperand } from "../operand-loop.js";
import { shownPath } from "../shown-path.js";

/** `key: value` lines for one object (only the fields the service reported). */
export function describeObject(o: ObjectInfo): string[] {
  const lines = [`path: ${shownPath(o.path)}`, `mode: ${o.mode}`];
  if (o.size !== undefined) lines.push(`size: ${o.size} (${formatBytes(o.size)})`);
  if (o.lastModified !== undefined) lines.push(`lastModified: ${formatDate(o.lastModified)}`);
  const fields: Array<keyof ObjectInfo> = [
    "etag",
    "crc64",
    "contentMd5",
    "contentType",
    "cacheControl",
    "contentDisposition",
    "contentEncoding",
    "httpExpires",
    "storageClass",
    "multipartId",
    "appendOffset",
    "linkTarget",
  ];
  for (const f of fields) if (o[f] !== undefined) lines.push(`${f}: ${f === "linkTarget" ? shownPath(String(o[f])) : String(o[f])}`);
  if (o.restore !== undefined) {
    const until = o.restore.expiresAt === undefined ? "" : `, readable until ${formatDate(o.restore.expiresAt)}`;
    lines.push(`restore: ${o.restore.ongoing ? "ongoing (not readable yet)" : `done${until}`}`);
  }
  for (const [k, v] of Object.entries(o.metadata ?? {})) lines.push(`metadata.${k}: ${v}`);
  return lines;
}

/** What a 404 without an error document (a HEAD's answer) says: it cannot tell a missing object from a missing bucket. */
const OBJECT_OR_BUCKET = " (no such object, or no such bucket)";

/**
 * `e`, the `ObjectNotExist` of the one object the operand `loc` names (`stat`, `cat`, `restore`),
 * worded as `get`, `rm` and `cp` word it: `<operand> does not exist: <the error's own text>`, the
 * error's context (op, service, path, status, request id) and code kept, so the exit code stays 3.
 * The operand is shown as printed, secrets redacted, so that a `name=value` in it hides its value
 * and not the rest of the line. Where the text cannot tell the object from its bucket (a HEAD's bare
 * 404: `(no such object, or no such bucket)`), the bucket is asked (a listing of one key, as `ls`
 * asks it) and the text says which; when that listing fails, the service's text is left as it is.
 * @throws StorageError `Aborted` (Ctrl-C during the listing)
 */
export async function missingOperand(ctx: CliContext, loc: Location, e: StorageError): Promise<StorageError> {
  let detail = e.detail;
  if (detail.includes(OBJECT_OR_BUCKET)) {
    const bucket = await rootExists(ctx, loc).catch((failure: unknown) => {
      if (isAbort(failure)) throw failure;
      return undefined;
    });
    if (bucket !== undefined) detail = detail.replace(OBJECT_OR_BUCKET, bucket ? " (no such object)" : " (no such bucket)");
  }
  return storageError(ErrorCode.ObjectNotExist, `${redactSecrets(shownPath(loc.display))} does not exist: ${detail}`, { ...contextOf(e, true), cause: e });
}

async function stat(ctx: CliContext, [arg]: string[], opts: CommandOptions): Promise<void> {
  const loc = ctx.locations.parse(arg!);
  // A failure names the operand (`stowage: stat backup:2024/db.dump: ...`): the error's path= is relative to its parent.
  await forEachOperand(ctx, "stat", [loc], async () => {
    const info = await statOperand(ctx, loc);
    if (opts["json"]) ctx.out(JSON.stringify(info));
    else for (const line of describeObject(info)) ctx.out(line);
  });
}

async function statOperand(ctx: CliContext, loc: Location): Promise<ObjectInfo> {
  if (isRoot(loc)) {
    const { store } = await ctx.locations.dir(loc);
    // A bucket's root "exists" for a stat of it whether or not the bucket does: ask the bucket, as ls and du do.
    if (!(await rootExists(ctx, loc))) {
      throw storageError(ErrorCode.ObjectNotExist, `${shownPath(loc.display)} does not exist (no such bucket or store)`, { op: "stat", service: store.info.service });
    }
    return { ...(await store.stat("", { mode: "dir", signal: ctx.signal })), path: loc.path };
  }
  const { endpoint, key } = await ctx.locations.object(loc);
  const asDir = loc.path.endsWith("/");
  try {
    return await endpoint.store.stat(key, asDir ? { mode: "dir", signal: ctx.signal } : { signal: ctx.signal });
  } catch (e) {
    if (asDir || !isStorageError(e, ErrorCode.ObjectNotExist)) throw e;
    // Not an object: maybe a directory.
    const dir = await endpoint.store.stat(key, { mode: "dir", signal: ctx.signal }).catch(() => undefined);
    if (dir !== undefined) return dir;
    throw await missingOperand(ctx, loc, e);
  }
}

/**
 * `stowage stat <location>`: metadata of one object (or directory). Something that is not there,
 * the root of a bucket that does not exist included, fails with ObjectNotExist (exit 3), an object
 * as `get` says it (`<location> does not exist: <the service's text>`, see {@link missingOperand});
 * a failure's line names the operand (`stowage: stat <location>: <error>`) unless its message does.
 */
export function registerStat(program: Command, bind: Bind): void {
  program
    .command("stat")
    .description("show an object's metadata: size, time, etag, crc64, content type, Cache-Control and the other headers stored with it, storage class and an archived object's restore, user metadata")
    .argument("<location>", "the object")
    .option("--json", "print the ObjectInfo as JSON")
    .addHelpText("after", "\nExamples:\n  stowage stat ./photos/cat.jpg\n  stowage stat --json backup:2026/db.dump")
    .action(bind(stat));
}
