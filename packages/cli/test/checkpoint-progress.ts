/** How far an upload under way has got, as the checkpoint file a transfer keeps records it. */
import { readFile } from "node:fs/promises";
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
    const data = JSON.parse(await readFile(path, "utf8")) as { uploads: Record<string, RecordedUpload> };
    const upload = data.uploads[key];
    return upload !== undefined && upload.bytesDone >= bytes ? upload : undefined;
  });
}
