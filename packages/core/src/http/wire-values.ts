// Numbers and dates as services send them: in headers, XML text and JSON values.

/**
 * A whole number of 0 or more from a service's answer: a decimal string (surrounding white space
 * allowed) or a JSON number. Undefined for anything else: absent, empty, signed, fractional, or
 * above `Number.MAX_SAFE_INTEGER` (which a number cannot hold exactly: a size or a position read
 * as a rounded value would be taken for another).
 * @throws nothing.
 */
export function parseWholeNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * A date from a service's answer: a string `Date` parses (an HTTP date, ISO 8601), or a JSON
 * number of seconds since the Unix epoch. Undefined for anything else, or a value that is no date.
 * @throws nothing.
 */
export function parseWireDate(value: unknown): Date | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const d = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
