import { readdir } from "node:fs/promises";
import { posix } from "node:path";
import { abortError } from "@stowage/core";
import { isReserved } from "@stowage/fs";
import type { CliContext } from "../context.js";
import { plural } from "../format.js";
import { shownPath } from "../shown-path.js";

/** A local entry a tree copy leaves out: neither a regular file, a directory nor a symbolic link. */
export interface SpecialEntry {
  /** Path relative to the source directory. */
  rel: string;
  /** What it is: `fifo`, `socket`, `block device`, `character device`, or `special file` when the system does not say. */
  kind: string;
}

/** What a directory entry is, for messages. */
function kindOf(d: { isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string {
  if (d.isFIFO()) return "fifo";
  if (d.isSocket()) return "socket";
  if (d.isBlockDevice()) return "block device";
  if (d.isCharacterDevice()) return "character device";
  return "special file";
}

/**
 * The fifos, sockets and devices below local directory `root` (absolute) that `keep` keeps, which the
 * fs driver's listings leave out without a word (they are no objects): a tree copy reports them.
 * Real directories are descended (never a symbolic link, as the listing does not follow one).
 * Names the listing reports itself (no key can name them: not UTF-8, or with `\`) and names the
 * fs driver reserves for its own files are passed over. A directory that cannot be read is passed
 * over too: the listing reports its own failures.
 * @throws StorageError `Aborted` when `signal` aborts.
 */
export async function specialEntries(root: string, keep: (rel: string) => boolean, signal?: AbortSignal): Promise<SpecialEntry[]> {
  const out: SpecialEntry[] = [];
  const queue = [""];
  while (queue.length > 0) {
    if (signal?.aborted) throw abortError(signal);
    const dir = queue.shift()!;
    const entries = await readdir(posix.join(root, dir), { withFileTypes: true, encoding: "buffer" }).catch(() => []);
    for (const d of entries) {
      const raw = d.name as unknown as Buffer;
      const name = raw.toString("utf8");
      if (name.includes("\\") || !Buffer.from(name, "utf8").equals(raw) || isReserved(name)) continue;
      const rel = dir + name;
      if (d.isDirectory()) queue.push(rel + "/");
      else if (!d.isFile() && !d.isSymbolicLink() && keep(rel)) out.push({ rel, kind: kindOf(d) });
    }
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Special-file warnings printed, at most; the rest is a count. */
const SPECIALS_SHOWN = 20;

/**
 * Warns of each fifo, socket and device a local source holds (at most {@link SPECIALS_SHOWN}, then
 * how many more), which no object can hold. The exit code stays.
 * @throws nothing
 */
export function reportSpecials(ctx: CliContext, command: string, specials: readonly SpecialEntry[]): void {
  for (const s of specials.slice(0, SPECIALS_SHOWN)) ctx.warn(`${command} ${shownPath(s.rel)}: left out: a ${s.kind}, not a regular file (only files are copied)`);
  const more = specials.length - SPECIALS_SHOWN;
  if (more > 0) ctx.warn(`${command}: … and ${plural(more, "more special file")} left out`);
}
