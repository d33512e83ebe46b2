/**
 * What a thrown value says, as text: an Error's message, anything else as `String` makes it (a
 * Symbol, a bigint), or its kind, `(object)`, when even that throws (an object without a
 * prototype, a `toString` that throws, a revoked Proxy). For the messages core builds around what
 * a driver, a listener, a body stream or a provider threw: building one must never throw.
 * @throws nothing
 */
export function thrownText(e: unknown): string {
  try {
    if (e instanceof Error) return typeof e.message === "string" ? e.message : String(e.message);
    return String(e);
  } catch {
    return `(${e === null ? "null" : typeof e})`;
  }
}
