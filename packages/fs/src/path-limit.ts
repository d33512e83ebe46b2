import { ErrorCode, storageError } from "@stowage/core";

// The longest path the system takes in one call (PATH_MAX counts the ending NUL). fs sets no
// `limits.keyMaximum` (its keys are measured with the work_dir, which the caller's keys do not
// hold), so a path the system would refuse is refused here, before anything is staged or made:
// otherwise a multipart upload stages its whole body and fails only at completion, or a file is
// made through its directory's handle that no later read, by its path, could reach.

/** PATH_MAX of this system, in bytes with the ending NUL: 4,096 on Linux, 1,024 on macOS and the BSDs. */
export const PATH_MAXIMUM = process.platform === "linux" ? 4096 : 1024;

/**
 * Refuses an absolute `path` (the work_dir's path and a key, as FsPaths makes it) longer than
 * the system takes: over {@link PATH_MAXIMUM} less one bytes of UTF-8.
 * @throws StorageError `InvalidArgument` (too long).
 */
export function refuseOverlongPath(path: string): void {
  const bytes = Buffer.byteLength(path);
  if (bytes < PATH_MAXIMUM) return;
  throw storageError(
    ErrorCode.InvalidArgument,
    `the path on disk (the work_dir and the key) would be ${bytes} bytes, over this system's limit of ${PATH_MAXIMUM - 1} (PATH_MAX ${PATH_MAXIMUM} with the ending NUL): nothing can be stored or found there`,
  );
}
