import type { Storager } from "@stowage/core";
import { OSS_TYPE, type OssOptions } from "./config.js";

/**
 * True when `store` is an OSS storager (its `info.service` is `oss`): narrows a plain
 * `Storager` to `Storager<OssOptions>`, whose calls take the OSS driver's options (`serverSideEncryption`, ...).
 * For code that gets any storager and gives a driver's own options on that driver only:
 * `if (isOssStorager(store)) await store.write(path, body, { serverSideEncryption: "AES256" })`.
 * @throws nothing.
 */
export function isOssStorager(store: Storager): store is Storager<OssOptions> {
  return store?.info?.service === OSS_TYPE;
}
