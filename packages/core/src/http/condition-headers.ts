/**
 * An `ifMatch` / `ifNoneMatch` value as a service compares it: each ETag of the comma list without
 * `W/`, quoted, in the letter case the service writes its ETags in (the contract says quotes, `W/`
 * and case do not matter; services compare the strings), `*` kept.
 */
export function etagConditionValue(value: string, letters: "lower" | "upper"): string {
  return value
    .split(",")
    .map((s) => {
      const tag = s.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
      if (tag === "*") return "*";
      return `"${letters === "lower" ? tag.toLowerCase() : tag.toUpperCase()}"`;
    })
    .join(", ");
}

/** `If-Match` / `If-None-Match` headers from a call's `ifMatch` / `ifNoneMatch` options (see {@link etagConditionValue}). */
export function etagConditionHeaders(options: { readonly [pair: string]: unknown }, letters: "lower" | "upper"): Record<string, string> {
  const h: Record<string, string> = {};
  if (typeof options["ifMatch"] === "string") h["if-match"] = etagConditionValue(options["ifMatch"], letters);
  if (typeof options["ifNoneMatch"] === "string") h["if-none-match"] = etagConditionValue(options["ifNoneMatch"], letters);
  return h;
}

/** `options` without `ifMatch` / `ifNoneMatch` (the same object when it has neither). */
export function withoutEtagConditions<T extends { readonly [pair: string]: unknown }>(options: T): T {
  if (options["ifMatch"] === undefined && options["ifNoneMatch"] === undefined) return options;
  const rest: Record<string, unknown> = { ...options };
  delete rest["ifMatch"];
  delete rest["ifNoneMatch"];
  return rest as T;
}
