import type { BlobStore } from "./blob-store.js";
import type { MetadataSink } from "./metadata-sink.js";
import type { StoredBucket } from "./types.js";

/**
 * What a store finds at start (directory mode: `dataDir`; in memory, nothing). What writes a
 * crash cut short left is removed first: temp files, then, once the records are loaded, the blobs
 * no saved object, part or upload record names (bytes stored before the record naming them was
 * saved, or replaced by a saved record before they were removed). That sweep says in one line of
 * `log` how many it removed (nothing when none), or why it looked at none: a record it cannot read
 * (the blob it names is unknown, so every blob is kept), or a blob directory that is a symbolic
 * link (nothing is removed outside the data dir). Call it once, before any write.
 * @throws what the stores throw when their files cannot be listed or removed
 */
export async function loadSaved(blobs: BlobStore, meta: MetadataSink, log: (line: string) => void): Promise<StoredBucket[]> {
  await blobs.removeStale?.();
  await meta.removeStale?.();
  const buckets = await meta.load();
  if (blobs.removeUnreferenced !== undefined && meta.referencedBlobs !== undefined) {
    const refs = await meta.referencedBlobs();
    const swept = "ids" in refs ? await blobs.removeUnreferenced(refs.ids) : { skipped: refs.unreadable };
    if ("skipped" in swept) log(`stowage-emulator: data dir: blobs no record names were not looked for: ${swept.skipped}`);
    else if (swept.removed > 0) {
      log(`stowage-emulator: data dir: removed ${swept.removed} blob file${swept.removed === 1 ? "" : "s"} that no saved object, part or upload named (left by a crash)`);
    }
  }
  return buckets;
}
