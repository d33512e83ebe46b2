/** How far an upload under way has got, as the checkpoint file a transfer keeps records it. */
import { readCheckpoint } from "./checkpoint-reader.js";
import { waitFor } from "./helpers.js";

/** A checkpoint file's record of one upload under way. */
export interface RecordedUpload {
  multipartId: string;
  bytesDone: number;
  partSize: number;
}

/** Waits (polling with {@link waitFor}) until the checkpoint file at `path` records at least `bytes` stored of `key`'s upload; that record. */
export function uploadReached(path: string, key: string, bytes: number): Promise<RecordedUpload> {
  return waitFor(async () => {
    const upload = (await readCheckpoint(path)).uploads[key];
    return upload !== undefined && upload.bytesDone >= bytes ? upload : undefined;
  });
}

/**
 * Aborts `controller` (the run's Ctrl-C) once the checkpoint at `path` records `bytes` of `key`'s
 * upload, or fails at once, with its stderr, when the run `first` ends before that (a run held at a
 * known point cannot get past it; one that ended is a fault of the test's set-up, never a wait).
 */
export async function abortWhenRecorded(
  first: Promise<{ code: number | null; stderr: string }>,
  controller: AbortController,
  path: string,
  key: string,
  bytes: number,
): Promise<void> {
  await Promise.race([
    uploadReached(path, key, bytes),
    first.then((r) => {
      throw new Error(`the first run ended (exit ${r.code}) before its checkpoint recorded ${bytes} bytes: ${r.stderr}`);
    }),
  ]);
  controller.abort();
}
