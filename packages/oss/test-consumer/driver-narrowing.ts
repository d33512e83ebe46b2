// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts), never run: `isOssStorager` narrows a plain Storager to `Storager<OssOptions>`, and only
// that takes the OSS options. A line under `// @ts-expect-error` must fail to compile.
import { newStorager, type Storager } from "@stowage/core";
import { isOssStorager, type OssOptions } from "@stowage/oss";

declare const key: Buffer;
declare function ossOnly(store: Storager<OssOptions>): Promise<void>;

export async function generic(store: Storager): Promise<void> {
  // @ts-expect-error a plain Storager takes no OSS option
  await store.write("a", "x", { serverSideEncryption: "KMS" });
  if (isOssStorager(store)) {
    await store.write("a", "x", { serverSideEncryption: "KMS" });
    await ossOnly(store);
  }
  // (Opened right in the call, newStorager would infer <OssOptions> from it: what is opened is not checked.)
  const memory = newStorager("memory://");
  // @ts-expect-error a memory (plain) storager is no Storager<OssOptions>
  await ossOnly(memory);
  await ossOnly(newStorager<OssOptions>("oss://bucket/"));
}
