/**
 * The `Range` header value for `offset`/`size` (`undefined` = the whole object): `bytes=a-b`,
 * `bytes=a-` for the rest from `a`, nothing for a whole read from 0.
 * @throws nothing.
 */
export function rangeHeader(offset: number | undefined, size: number | undefined): string | undefined {
  const start = offset ?? 0;
  if (size === undefined) return start > 0 ? `bytes=${start}-` : undefined;
  return `bytes=${start}-${start + size - 1}`;
}
