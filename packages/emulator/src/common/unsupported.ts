import type { Exchange } from "../server/exchange.js";
import type { Route } from "./operations.js";
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
 * a request (`Route.refused`, see {@link refusedRoute}) rather than refuse it, so that it is
 * authenticated first, as a service would: a bad signature is refused 403 before the 501.
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

/** The refusal of a method the addressed resource does not allow (405). @throws nothing (returns the error). */
export function methodNotAllowed(): ProtocolError {
  return new ProtocolError("MethodNotAllowed", "The specified method is not allowed against this resource.");
}

/**
 * The route of a request that routing refuses with `refused` once it is authenticated: its
 * operation names what it addresses (`ListBuckets` for the service, `HeadBucket`, `HeadObject`),
 * and is never performed.
 * @throws nothing.
 */
export function refusedRoute(base: Omit<Route, "operation" | "refused">, refused: ProtocolError): Route {
  const operation = base.bucket === undefined ? "ListBuckets" : base.key === undefined ? "HeadBucket" : "HeadObject";
  return { ...base, operation, refused };
}

/**
 * The route of a request for the service, a bucket or an object: a sub-resource the emulator does
 * not implement (other than `supported`) or an `operation` of `undefined` (no operation of the
 * resource takes the method) is a {@link refusedRoute}.
 * @throws nothing.
 */
export function routeOf(ex: Exchange, base: Omit<Route, "operation" | "refused">, operation: Route["operation"] | undefined, supported: readonly string[] = []): Route {
  const unsupported = base.bucket === undefined ? undefined : unsupportedSubresource(ex, supported);
  if (unsupported !== undefined) return refusedRoute(base, notImplemented(unsupported));
  return operation === undefined ? refusedRoute(base, methodNotAllowed()) : { ...base, operation };
}
