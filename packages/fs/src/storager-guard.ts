import type { Storager } from "@stowage/core";
import { FS_TYPE, type FsOptions } from "./config.js";

/**
 * True when `store` is an fs storager (its `info.service` is `fs`): narrows a plain
 * `Storager` to `Storager<FsOptions>`, whose calls take the fs driver's options (`sourceWithin` and `destinationWithin` of `copy` and `move`).
 * For code that gets any storager and gives a driver's own options on that driver only:
 * `if (isFsStorager(store)) await store.copy("a/f", "b/f", { sourceWithin: "a/", destinationWithin: "b/" })`.
 * @throws nothing.
 */
export function isFsStorager(store: Storager): store is Storager<FsOptions> {
  return store?.info?.service === FS_TYPE;
}
