import type { Exchange } from "../server/exchange.js";
import { ProtocolError } from "./protocol-error.js";

/** Sub-resources of the three APIs that the emulator does not implement. */
const UNSUPPORTED = [
  "acl", "cors", "policy", "lifecycle", "tagging", "versioning", "versions", "website", "logging", "referer",
  "encryption", "replication", "inventory", "notification", "mirror", "cname", "stats", "restore", "symlink",
  "worm", "qos", "requestPayment", "image", "select", "x-oss-process", "ci-process", "domain", "intelligenttiering",
];

/**
 * The first sub-resource of the request the emulator does not implement, or undefined. `supported`
 * names those the calling front-end implements itself (OSS: `symlink` on objects). Routers mark such
 * a request (`Route.unsupported`) rather than refuse it, so that it is authenticated first, as a
 * service would: a bad signature is refused 403 before the 501.
 * @throws nothing.
 */
export function unsupportedSubresource(ex: Exchange, supported: readonly string[] = []): string | undefined {
  return UNSUPPORTED.find((name) => ex.query.has(name) && !supported.includes(name));
}

/**
 * The refusal of a request for sub-resource `name` (see `unsupportedSubresource`), answered
 * once the request is authenticated, rather than serving it as a plain object or bucket request.
 * @throws nothing (returns the error).
 */
export function notImplemented(name: string): ProtocolError {
  return new ProtocolError("NotImplemented", `The emulator does not implement ?${name}.`);
}
