import type { IncomingHttpHeaders } from "node:http";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

/** How a service carries user metadata in headers. */
export interface MetadataHeaderRule {
  /** Lower-case header prefix, e.g. `x-cos-meta-`. */
  prefix: string;
  /** Largest total of names and values the service keeps, in bytes. */
  limit: number;
  /** Longest name the service keeps, in bytes, where it has a limit of its own (QingStor: 512). */
  nameLimit?: number;
  /** The service's name, for messages (`COS`). */
  service: string;
  /**
   * The names the service takes where that is fewer than the HTTP tokens (COS and OSS:
   * {@link LETTERS_DIGITS_HYPHEN}); absent: any HTTP token.
   */
  names?: MetadataNameRule;
}

/** Which metadata names (lower-cased) a service takes, and the words messages state that in. */
export interface MetadataNameRule {
  /** Matches a whole lower-cased name the service takes. */
  pattern: RegExp;
  /** What it takes, in words: `letters, digits and "-"`. */
  description: string;
}

/**
 * Letters, digits and `-` only: what COS and OSS take in a user metadata name (an underscore,
 * a dot or any other symbol is refused by the service: OSS error 0011-00000004; COS's PUT Object
 * and Initiate Multipart Upload pages).
 */
export const LETTERS_DIGITS_HYPHEN: MetadataNameRule = Object.freeze({ pattern: /^[a-z0-9-]+$/, description: 'letters, digits and "-"' });

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const HEADER_TEXT = /^[\t\x20-\x7e]*$/;

/**
 * The bytes user metadata takes as the services count them: each name, lower-cased, and each
 * value added up (printable ASCII: one byte a character). What `metadataToHeaders` holds against
 * `rule.limit` and `StorageLimits.metadataMaximum` bounds.
 * @throws never
 */
export function metadataSize(metadata: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(metadata)) total += name.toLowerCase().length + value.length;
  return total;
}

/**
 * `<prefix><name>` headers from a metadata map (names lower-cased).
 * @throws StorageError `InvalidArgument` for names that are not HTTP tokens, not of `rule.names`
 *   or longer than `rule.nameLimit`, values outside printable ASCII (encode them first), or more
 *   than `rule.limit` bytes in total.
 */
export function metadataToHeaders(metadata: unknown, rule: MetadataHeaderRule): Record<string, string> {
  if (metadata === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata as Record<string, string>)) {
    const name = k.toLowerCase();
    if (!TOKEN.test(name)) throw storageError(ErrorCode.InvalidArgument, `metadata key ${JSON.stringify(k)} is not a valid HTTP header name`);
    if (rule.names !== undefined && !rule.names.pattern.test(name)) {
      throw storageError(ErrorCode.InvalidArgument, `metadata key ${JSON.stringify(k)}: ${rule.service} takes only ${rule.names.description} in metadata names`);
    }
    if (rule.nameLimit !== undefined && name.length > rule.nameLimit) {
      throw storageError(ErrorCode.InvalidArgument, `metadata key ${JSON.stringify(k.slice(0, 40))}… is ${name.length} bytes; ${rule.service} keeps names of at most ${rule.nameLimit}`);
    }
    if (!HEADER_TEXT.test(v)) throw storageError(ErrorCode.InvalidArgument, `metadata value of ${JSON.stringify(k)} must be printable ASCII (encode it first)`);
    out[`${rule.prefix}${name}`] = v;
  }
  const total = metadataSize(metadata as Record<string, string>);
  if (total > rule.limit) throw storageError(ErrorCode.InvalidArgument, `user metadata is ${total} bytes; ${rule.service} keeps at most ${rule.limit}`);
  return out;
}

/**
 * The user metadata in response headers starting with `prefix` (lower-case), keyed by
 * the rest of the name; repeated headers are joined with `, `. Undefined when there is none.
 * @throws never
 */
export function metadataFromHeaders(headers: IncomingHttpHeaders, prefix: string): Record<string, string> | undefined {
  const entries: Array<[string, string]> = [];
  // for-in over own names rather than Object.entries: no [name, value] array per header of every answer.
  for (const name in headers) {
    if (!name.startsWith(prefix) || !Object.prototype.hasOwnProperty.call(headers, name)) continue;
    const value = headers[name];
    if (value !== undefined) entries.push([name.slice(prefix.length), Array.isArray(value) ? value.join(", ") : value]);
  }
  // fromEntries makes each an own entry: an assignment of `__proto__` would set the prototype instead (a name lost).
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
