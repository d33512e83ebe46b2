/**
 * An ETag as compared: without a weak `W/` prefix, quotes or case (services and clients quote and
 * case them differently: `"ABC"`, `abc`).
 *
 * @throws nothing.
 */
export function bareEtag(etag: string): string {
  return etag.trim().replace(/^W\//, "").replace(/^"|"$/g, "").toLowerCase();
}

/**
 * True when two ETags name the same version ({@link bareEtag} of both equal); false when either is missing.
 *
 * @throws nothing.
 */
export function sameEtag(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && bareEtag(a) === bareEtag(b);
}
