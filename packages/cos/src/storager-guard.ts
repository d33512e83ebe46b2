import type { Storager } from "@stowage/core";
import { COS_TYPE, type CosOptions } from "./config.js";

/**
 * True when `store` is a COS storager (its `info.service` is `cos`): narrows a plain
 * `Storager` to `Storager<CosOptions>`, whose calls take the COS driver's options (`serverSideEncryption`, ...).
 * For code that gets any storager and gives a driver's own options on that driver only:
 * `if (isCosStorager(store)) await store.write(path, body, { serverSideEncryption: "AES256" })`.
 * @throws nothing.
 */
export function isCosStorager(store: Storager): store is Storager<CosOptions> {
  return store?.info?.service === COS_TYPE;
}
