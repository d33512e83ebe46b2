import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/*
 * Validators for pair values that end up in a request's headers or host name. Each takes
 * `unknown` (so a definition using it stays assignable to `PairSet`) and returns a problem
 * description, or undefined when the value is fine. The description never shows the value.
 */

/** Spaces and tabs around a header value: HTTP drops them, so a signed value would not be the one received. */
export const PADDED_HEADER_VALUE = /^[ \t]|[ \t]$/;

/** Printable ASCII only, at least one character. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** What {@link headerValueProblem} says of a value beyond printable ASCII. */
const NOT_PRINTABLE = "must be printable ASCII (no control characters, nothing beyond ASCII)";

/** The longest header value a pair takes: services refuse a request whose headers pass 8 KiB in all (COS, OSS: 400 or 431). */
export const HEADER_VALUE_MAXIMUM = 4096;

/**
 * A non-empty header value of printable ASCII (what a service can echo as a header), at most
 * {@link HEADER_VALUE_MAXIMUM} characters, not starting or ending with a space. For values such as
 * a content type, a Cache-Control, an ETag or a KMS key id. A Content-Disposition's check adds how
 * to give a non-ASCII file name ({@link dispositionValueProblem}).
 * @throws nothing.
 */
export function headerValueProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "must not be empty";
  if (value.length > HEADER_VALUE_MAXIMUM) return `must be at most ${HEADER_VALUE_MAXIMUM} characters long (services refuse longer headers)`;
  if (!PRINTABLE_ASCII.test(value)) return NOT_PRINTABLE;
  return PADDED_HEADER_VALUE.test(value) ? "must not start or end with a space (HTTP drops it, so the value signed would not be the one received)" : undefined;
}

/**
 * A Content-Disposition value: as {@link headerValueProblem}, and when it holds characters beyond
 * ASCII, how to give a non-ASCII file name (`filename*=UTF-8''<percent-encoded>`, RFC 6266).
 * @throws nothing.
 */
export function dispositionValueProblem(value: unknown): string | undefined {
  const problem = headerValueProblem(value);
  if (problem !== NOT_PRINTABLE || !/[^\x00-\x7f]/.test(value as string)) return problem;
  return "must be printable ASCII (encode a non-ASCII file name as filename*=UTF-8''<percent-encoded>)";
}

/**
 * A non-empty HTTP token (RFC 9110: letters, digits and `!#$%&'*+.^_\`|~-`): a single word any
 * header carries as it is, such as a storage class (`STANDARD_IA`, `Archive`). No spaces, no
 * control characters, nothing beyond ASCII.
 * @throws nothing.
 */
export function headerTokenProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "must not be empty";
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value) ? undefined : "must be a single word of letters, digits and !#$%&'*+.^_`|~- (no spaces or control characters)";
}

/** One DNS label of a location: lower-case letters, digits and hyphens, 1 to 63 of them. */
const LABEL = /^[a-z0-9-]{1,63}$/;

/**
 * A region or zone name as it goes into a host name: DNS labels of lower-case letters, digits and
 * hyphens separated by dots (`ap-guangzhou`, `oss-cn-hangzhou`, `pek3b`), at most 253 characters.
 * Anything else (`/`, `#`, `@`, `:`, a space, upper case, an empty label) would send requests to
 * another host, or to none.
 * @throws nothing.
 */
export function locationProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return "must not be empty";
  const ok = value.length <= 253 && value.split(".").every((label) => LABEL.test(label));
  return ok ? undefined : "must be a region or zone name: lower-case letters, digits and hyphens, in dot-separated labels of 1 to 63 (e.g. ap-guangzhou, cn-hangzhou, pek3b)";
}

/**
 * Refuses a location a driver is about to put into a host name when it is not a DNS-label
 * sequence (see {@link locationProblem}); `undefined` and `""` (no location) pass. The open-time
 * pair is checked already: this guards the locations that come from elsewhere (a bucket listing).
 * @throws StorageError `InvalidArgument` naming what the location must be (not the value).
 */
export function checkHostLocation(location: string | undefined, what = "location"): void {
  if (location === undefined || location === "") return;
  const problem = locationProblem(location);
  if (problem !== undefined) throw storageError(ErrorCode.InvalidArgument, `invalid ${what}: ${problem}`);
}

/** The day and month names of an IMF-fixdate, as RFC 9110 §5.6.7 spells them. */
const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Fri, 01 Jan 2027 00:00:00 GMT`: day name, day, month, year, hours, minutes, seconds. */
const IMF_FIXDATE = /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** What {@link httpDateProblem} says of a value that is no IMF-fixdate. */
const NOT_HTTP_DATE = "must be an HTTP date in IMF-fixdate form (RFC 9110 §5.6.7), such as Fri, 01 Jan 2027 00:00:00 GMT";

/**
 * An HTTP date as a sender must write one (RFC 9110 §5.6.7, IMF-fixdate): `Fri, 01 Jan 2027
 * 00:00:00 GMT`, a real day of the year given (`31 Feb` is not), its day name the one of that date,
 * the time 00:00:00 to 23:59:60. For the `Expires` values of `http_expires` and
 * `response_expires`: the obsolete forms (RFC 850, asctime), other zones and other date texts
 * (`2027-01-01`, `tomorrow`) are refused, as caches treat them as already expired. (`toUTCString()`
 * of a `Date` in the years 1000 to 9999 gives this form.)
 * @throws nothing.
 */
export function httpDateProblem(value: unknown): string | undefined {
  const m = typeof value === "string" ? IMF_FIXDATE.exec(value) : null;
  if (m === null) return NOT_HTTP_DATE;
  const [dayName, day, month, year, hours, minutes, seconds] = m.slice(1).map((part, i) => (i === 0 || i === 2 ? part : Number(part))) as [string, number, string, number, number, number, number];
  const monthIndex = MONTH_NAMES.indexOf(month);
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  if (monthIndex < 0 || !DAY_NAMES.includes(dayName) || date.getUTCMonth() !== monthIndex || date.getUTCDate() !== day || hours > 23 || minutes > 59 || seconds > 60) {
    return NOT_HTTP_DATE;
  }
  const named = DAY_NAMES[date.getUTCDay()]!;
  return named === dayName ? undefined : `must be an HTTP date whose day name is that of the date (${day} ${month} ${year} is a ${named}), such as Fri, 01 Jan 2027 00:00:00 GMT`;
}
