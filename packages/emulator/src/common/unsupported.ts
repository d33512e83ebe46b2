import type { Exchange } from "../server/exchange.js";
import { ProtocolError } from "./protocol-error.js";

/** Sub-resources of the three APIs that the emulator does not implement. */
const UNSUPPORTED = [
  "acl", "cors", "policy", "lifecycle", "tagging", "versioning", "versions", "website", "logging", "referer",
  "encryption", "replication", "inventory", "notification", "mirror", "cname", "stats", "restore", "symlink",
  "worm", "qos", "requestPayment", "image", "select", "x-oss-process", "ci-process", "domain", "intelligenttiering",
];

/**
 * Refuses requests for sub-resources the emulator does not implement, rather
 * than answering them as plain object or bucket requests. `supported` names
 * those the calling front-end implements itself (OSS: `symlink` on objects).
 * @throws ProtocolError `NotImplemented`
 */
export function rejectUnsupported(ex: Exchange, supported: readonly string[] = []): void {
  for (const name of UNSUPPORTED) {
    if (ex.query.has(name) && !supported.includes(name)) throw new ProtocolError("NotImplemented", `The emulator does not implement ?${name}.`);
  }
}
