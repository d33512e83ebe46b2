import { expect } from "@jest/globals";
import type { Storager } from "@stowage/core";

/**
 * Checks that a bucket which does not exist is never taken for an object already gone: on
 * `present` (an existing bucket) deleting a missing key and aborting an upload twice succeed; on
 * `missing` (a bucket that does not exist) a delete and an abort fail with `ObjectNotExist`, which
 * `isMissingBucket` (core's, by the error's `serviceCode`) recognises. Services answer a missing key with 204, so
 * a driver that swallowed every 404 of a delete would report success on a mistyped bucket.
 */
export async function checkMissingBucketDeletes(present: Storager, missing: Storager, isMissingBucket: (e: unknown) => boolean): Promise<void> {
  await present.delete("never-written.txt");
  const deleted = await missing.delete("a.txt").catch((e: unknown) => e);
  expect(deleted).toMatchObject({ code: "ObjectNotExist" });
  expect(isMissingBucket(deleted)).toBe(true);

  const { multipartId } = await present.createMultipart("up.bin");
  await present.delete("up.bin", { multipartId: multipartId! });
  await present.delete("up.bin", { multipartId: multipartId! });
  const aborted = await missing.delete("up.bin", { multipartId: multipartId! }).catch((e: unknown) => e);
  expect(aborted).toMatchObject({ code: "ObjectNotExist" });
  expect(isMissingBucket(aborted)).toBe(true);
}
