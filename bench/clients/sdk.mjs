// cos-nodejs-sdk-v5 with its defaults (KeepAlive on, no Content-MD5, no CRC-64 checks of its own
// on these calls). Path-style addressing through `Domain`, as in packages/emulator/README.md.
// The SDK's multipart helpers (sliceUploadFile, uploadFile) need a file path, so the 1 GiB case
// drives its low-level calls (multipartInit / multipartUpload / multipartComplete) with the same
// part scheduler the bare client uses; each 8 MiB part is handed over as one Buffer.

import { Writable } from "node:stream";
import { uploadParts } from "../lib/concurrency.mjs";
import { loadCosSdk } from "../lib/paths.mjs";
import { partsOf } from "../lib/source.mjs";

const MAX_LIST_PAGES = 10_000;

export async function createClient(target) {
  const COS = loadCosSdk();
  const cos = new COS({
    SecretId: target.accessKey,
    SecretKey: target.secretKey,
    Protocol: "http:",
    Domain: `127.0.0.1:${target.port}/{Bucket}`,
    ServiceDomain: `127.0.0.1:${target.port}`,
  });
  const at = { Bucket: target.bucket, Region: target.region };

  return {
    name: "sdk",
    cos,
    async putSmall(Key, Body) {
      await cos.putObject({ ...at, Key, Body });
    },
    async getSmall(Key) {
      return (await cos.getObject({ ...at, Key })).Body.length;
    },
    async putStream(Key, Body, size) {
      await cos.putObject({ ...at, Key, Body, ContentLength: size });
    },
    async getStream(Key) {
      let bytes = 0;
      const Output = new Writable({
        write(chunk, _enc, done) {
          bytes += chunk.length;
          done();
        },
      });
      await cos.getObject({ ...at, Key, Output });
      return bytes;
    },
    async multipart(Key, source, size, partSize, concurrency) {
      const { UploadId } = await cos.multipartInit({ ...at, Key });
      const etags = await uploadParts(partsOf(source, partSize), concurrency, async (i, part) => {
        const r = await cos.multipartUpload({ ...at, Key, UploadId, PartNumber: i + 1, Body: Buffer.concat(part.chunks, part.size), ContentLength: part.size });
        return r.ETag;
      });
      await cos.multipartComplete({ ...at, Key, UploadId, Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) });
      return etags.length;
    },
    async list(Prefix) {
      let Marker = "";
      let count = 0;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const r = await cos.getBucket({ ...at, Prefix, MaxKeys: 1000, ...(Marker ? { Marker } : {}) });
        count += r.Contents.length;
        if (String(r.IsTruncated) !== "true") return count;
        Marker = r.NextMarker || r.Contents.at(-1).Key;
      }
      throw new Error("list: too many pages");
    },
  };
}
