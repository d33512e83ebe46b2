import { cleanupWithin, UPLOAD_CLEANUP_TIMEOUT_MS, type Storager } from "@stowage/core";
import { shownPath } from "../shown-path.js";
import type { Checkpoint } from "./checkpoint.js";
import type { PlanItem } from "./planner.js";
import { Limiter } from "./pool.js";

/** Aborts in flight at once when a lost checkpoint's uploads are aborted. */
const ABORTS = 8;

/**
 * The warning, said once, of a run whose checkpoint at `path` could not be written (`error`, the
 * file system's: its errno code, else its message): the run cannot be resumed, and its failed
 * objects' uploads are aborted as with `--no-checkpoint`.
 * @throws nothing
 */
export function lostLine(command: string, path: string, error: Error): string {
  const why = (error as NodeJS.ErrnoException).code ?? error.message;
  return `${command}: checkpoint ${path} could not be saved (${why}): this run cannot be resumed; its uploads are aborted as with --no-checkpoint`;
}

/**
 * Once `checkpoint` is lost (a write of it failed: checkpoint.ts), aborts the multipart uploads it
 * records of `items` (objects this run started and did not copy: failed or interrupted), as core
 * aborts a failed upload without a checkpoint: nothing would resume them. Each abort is bounded by
 * {@link UPLOAD_CLEANUP_TIMEOUT_MS} (not by the run's signal: after Ctrl-C too); an aborted upload
 * is dropped from the checkpoint, and one whose abort failed is named through `warn`, with its id, as
 * left on the service. Nothing when the checkpoint is not lost.
 * @throws nothing
 */
export async function abortLostUploads(
  command: string,
  dst: Storager,
  checkpoint: Checkpoint | undefined,
  items: Iterable<PlanItem>,
  warn: (line: string) => void,
): Promise<void> {
  if (checkpoint?.lost === undefined) return;
  const limiter = new Limiter(ABORTS);
  const aborts: Array<Promise<void>> = [];
  for (const item of items) {
    const record = checkpoint.staleUpload(item.dstPath);
    const id = record?.multipartId;
    // Never a plain delete: without an upload id, delete would remove the object itself.
    if (typeof id !== "string" || id === "") continue;
    aborts.push(
      limiter.run(async () => {
        const why = await cleanupWithin("AbortMultipartUpload", (signal) => dst.delete(item.dstPath, { multipartId: id, signal }), UPLOAD_CLEANUP_TIMEOUT_MS);
        if (why === undefined) {
          checkpoint.dropUpload(item.dstPath);
          return;
        }
        warn(`${command} ${shownPath(item.rel)}: multipart upload ${JSON.stringify(id)} may be left on the service (${why}): \`stowage uploads --abort\` ends it`);
      }),
    );
  }
  await Promise.all(aborts);
}
