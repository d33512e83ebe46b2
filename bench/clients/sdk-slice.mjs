// cos-nodejs-sdk-v5's own multipart uploader, sliceUploadFile, as users call it: it reads parts
// from a file (here a prepared file on tmpfs, /dev/shm, so no disk is involved), sends each with
// Content-MD5 (it hashes every part), and schedules `AsyncLimit` parts at once. Only the multipart
// cases use it; its warm-up and other calls are the plain SDK's.

import { createClient as createSdkClient } from "./sdk.mjs";

export async function createClient(target, config) {
  const sdk = await createSdkClient(target);
  return {
    ...sdk,
    name: "sdk-slice",
    async multipart(Key, source, size, partSize, concurrency) {
      source.destroy();
      const file = config.files?.multipart;
      if (!file || config.files.multipartSize !== size) throw new Error("sdk-slice: the prepared upload file is missing or has the wrong size");
      await sdk.cos.sliceUploadFile({ Bucket: target.bucket, Region: target.region, Key, FilePath: file, ChunkSize: partSize, AsyncLimit: concurrency });
      return Math.ceil(size / partSize);
    },
  };
}
