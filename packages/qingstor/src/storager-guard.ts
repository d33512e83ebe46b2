import type { Storager } from "@stowage/core";
import { QINGSTOR_TYPE, type QingStorOptions } from "./config.js";

/**
 * True when `store` is a QingStor storager (its `info.service` is `qingstor`): narrows a plain
 * `Storager` to `Storager<QingStorOptions>`, whose calls take the QingStor driver's options (`encryptionCustomerKey`, ...).
 * For code that gets any storager and gives a driver's own options on that driver only:
 * `if (isQingStorStorager(store)) await store.write(path, body, { encryptionCustomerKey: key })`.
 * @throws nothing.
 */
export function isQingStorStorager(store: Storager): store is Storager<QingStorOptions> {
  return store?.info?.service === QINGSTOR_TYPE;
}
