/**
 * The pairs of `options` (validated, defaults merged) that the call did not give itself: those
 * core filled in from open-time defaults (`DriverCallOptions.defaulted`). `signal` and
 * `onProgress` are never defaults.
 * @throws nothing.
 */
export function defaultedPairs(options: Readonly<Record<string, unknown>>, given: object | undefined): string[] {
  const own = (given ?? {}) as Record<string, unknown>;
  return Object.keys(options).filter((k) => k !== "signal" && k !== "onProgress" && options[k] !== undefined && own[k] === undefined);
}

/**
 * `options` with `defaulted` set to {@link defaultedPairs} (empty when the call gave everything):
 * what core hands a driver whose request may carry some pairs and not others, so it can skip an
 * open-time default it cannot send (QingStor: `default_cache_control` on a multipart upload) while
 * still refusing the same pair given by the call.
 * @throws nothing.
 */
export function withDefaulted<T extends Record<string, unknown>>(options: T, given: object | undefined): T & { defaulted: readonly string[] } {
  return { ...options, defaulted: defaultedPairs(options, given) };
}
