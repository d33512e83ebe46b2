/**
 * How a service's ETags are written, for conditions: `lower` or `upper` case (the ETags it computes
 * are in that case), or `given-and-lower` where the service keeps whatever ETag a client stored
 * (QingStor's merged objects): each ETag goes as given, followed by its lower-case form when that
 * differs, so both an ETag as a stat reported it and one the service computed, given in another
 * case, match.
 */
export type EtagLetters = "lower" | "upper" | "given-and-lower";

/**
 * An `ifMatch` / `ifNoneMatch` value as a service compares it: each ETag of the comma list without
 * `W/`, quoted, in the letter case the service writes its ETags in (the contract says quotes, `W/`
 * and case do not matter; services compare the strings), `*` kept, no form twice.
 * (`given-and-lower`: `"9B2D-1"` → `"9B2D-1", "9b2d-1"`; `"d41d"` → `"d41d"`.)
 * @throws nothing.
 */
export function etagConditionValue(value: string, letters: EtagLetters): string {
  const tags: string[] = [];
  for (const s of value.split(",")) {
    const tag = s.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
    const forms = tag === "*" ? ["*"] : letters === "given-and-lower" ? [tag, tag.toLowerCase()] : [letters === "lower" ? tag.toLowerCase() : tag.toUpperCase()];
    for (const form of forms) {
      const quoted = form === "*" ? form : `"${form}"`;
      if (!tags.includes(quoted)) tags.push(quoted);
    }
  }
  return tags.join(", ");
}

/**
 * `If-Match` / `If-None-Match` headers from a call's `ifMatch` / `ifNoneMatch` options (see {@link etagConditionValue}).
 * @throws nothing
 */
export function etagConditionHeaders(options: { readonly [pair: string]: unknown }, letters: EtagLetters): Record<string, string> {
  const h: Record<string, string> = {};
  if (typeof options["ifMatch"] === "string") h["if-match"] = etagConditionValue(options["ifMatch"], letters);
  if (typeof options["ifNoneMatch"] === "string") h["if-none-match"] = etagConditionValue(options["ifNoneMatch"], letters);
  return h;
}

/** `options` without `ifMatch` / `ifNoneMatch` (the same object when it has neither). @throws nothing */
export function withoutEtagConditions<T extends { readonly [pair: string]: unknown }>(options: T): T {
  if (options["ifMatch"] === undefined && options["ifNoneMatch"] === undefined) return options;
  const rest: Record<string, unknown> = { ...options };
  delete rest["ifMatch"];
  delete rest["ifNoneMatch"];
  return rest as T;
}
