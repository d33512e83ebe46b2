import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError } from "../errors/storage-error.js";
import { typeName, wrongType } from "../errors/wrong-type.js";
import { camelCase } from "../operations.js";
import { TIMER_DELAY_MAXIMUM_MS } from "../io/abort.js";
import { checkHmacCharacters, parseCredential, type Credential } from "../registry/credential.js";
import { makeEndpoint, parseEndpoint, type Endpoint } from "../registry/endpoint.js";
import type { PairDefinition } from "./pair-definition.js";

/*
 * String forms (connection strings), see PairType:
 * - boolean: true/false and t/f (any case, as go-storage takes them), 1/0; "" (a bare key) is true.
 * - integer: decimal (optionally signed) or 0x hex; safe integers only.
 * - size: a non-negative decimal number of bytes with an optional unit (case-insensitive):
 *   B; K, M, G, T and KiB, MiB, GiB, TiB are powers of 1024; KB, MB, GB, TB are powers of 1000.
 *   So `64M` = `64MiB` = 67108864 and `64MB` = 64000000. Fractions are allowed when the result
 *   is a whole number of bytes (`1.5K` = 1536).
 * - duration: a non-negative number with unit ms, s, m or h; a bare number is milliseconds.
 *   The result is a whole number of milliseconds, at most 2^31 − 1 (what a timer waits, checked
 *   for values given as numbers too).
 * - bytes: strict base64 (standard alphabet), padded or not.
 */

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1e3,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1e6,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1e9,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1e12,
};

const DURATION_UNITS: Readonly<Record<string, number>> = { "": 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  boolean: "true, false, t, f, 1 or 0",
  integer: "an integer (decimal or 0x hex)",
  size: "a size in bytes such as 1048576, 64MiB, 64MB or 512K",
  duration: "a duration such as 500ms, 30s, 5m or 1h (bare numbers are milliseconds)",
  bytes: "base64 bytes",
  credential: 'a credential ("env" or "hmac" followed by :<access_key>:<secret_key>[:<security_token>])',
  endpoint: "an endpoint (https:<host>[:<port>] or http:<host>[:<port>])",
  "string-map": "an object of string values",
  function: "a function",
  signal: "an AbortSignal",
};

/** What a message says of a whole number past 2^53 − 1 (in magnitude): it is an integer, but no number holds it exactly. */
const UNSAFE_INTEGER = "expected a safe integer (at most 2^53 - 1 in magnitude, Number.MAX_SAFE_INTEGER)";

/** True for a whole number too large to be held exactly (`2 ** 53`, `-(2 ** 60)`). @throws nothing */
function unsafeInteger(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value);
}

function fail(label: string, message: string): never {
  throw storageError(ErrorCode.InvalidArgument, `invalid value for ${label}: ${message}`);
}

function describeRaw(def: PairDefinition, raw: string): string {
  return def.secret ? "" : `, got ${JSON.stringify(raw.length > 80 ? raw.slice(0, 77) + "..." : raw)}`;
}

function parseUnitNumber(raw: string, units: Readonly<Record<string, number>>): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(raw.trim());
  if (!m) return undefined;
  const factor = units[(m[2] ?? "").toLowerCase()];
  if (factor === undefined) return undefined;
  const value = Number(m[1]) * factor;
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Parses strict base64, padded or not; undefined when the string is not canonical base64.
 * @throws StorageError `InvalidArgument` when `raw` is not a string (the message never shows the value).
 */
export function parseBase64(raw: string): Buffer | undefined {
  if (typeof raw !== "string") throw wrongType("parseBase64", "raw", "a string", raw);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw)) return undefined;
  const body = raw.replace(/=+$/, "");
  if (body.length % 4 === 1) return undefined;
  if (raw.length !== body.length && raw.length % 4 !== 0) return undefined;
  const buf = Buffer.from(body, "base64");
  return buf.toString("base64").replace(/=+$/, "") === body ? buf : undefined;
}

/** What a message says of a duration longer than a timer waits (see `TIMER_DELAY_MAXIMUM_MS`). */
const DURATION_TOO_LONG = `must be at most ${TIMER_DELAY_MAXIMUM_MS} ms, about 24.8 days (596h fits): the longest a timer waits`;

/** Runs a duration's upper bound, then a pair's enum and validate() checks, on a typed value. */
function finalCheck(def: PairDefinition, value: unknown, label: string): unknown {
  if (def.type === "duration" && (value as number) > TIMER_DELAY_MAXIMUM_MS) fail(label, DURATION_TOO_LONG);
  if (def.enum && !def.enum.includes(value as string)) {
    fail(label, `expected one of ${def.enum.join(", ")}${def.secret ? "" : `, got ${JSON.stringify(value)}`}`);
  }
  const problem = (def.validate as ((v: unknown) => string | undefined) | undefined)?.(value);
  if (problem !== undefined) fail(label, problem);
  return value;
}

/** Re-throws a credential/endpoint parser error under the pair's label. */
function rethrow(label: string, e: unknown): never {
  if (isStorageError(e)) fail(label, e.detail);
  throw e;
}

/**
 * Parses a pair value from its string form (a connection-string value) into
 * its typed value, then runs the pair's `enum` and `validate` checks.
 * Sizes: bare `K`/`M`/`G`/`T` and `KiB`... are powers of 1024, `KB`/`MB`/`GB`/`TB` powers of 1000
 * (`64M` = `64MiB`). Durations: `ms`, `s`, `m`, `h`; a bare number is milliseconds; at most
 * 2^31 − 1 ms (about 24.8 days, the longest a timer waits).
 * Messages name the pair and the expected form; a secret pair's value is never shown.
 * @param label how to name the pair in messages (default: `pair "<snake_name>"`).
 * @throws StorageError `InvalidArgument` when the text does not parse, fails a check, or the
 *   type (`string-map`, `function`, `signal`) cannot be given as a string; also when `def` is not a
 *   pair definition or `raw` is not a string (its value never shown).
 */
export function parsePairValue(def: PairDefinition, raw: string, label?: string): unknown {
  if (def === null || typeof def !== "object" || typeof def.name !== "string" || typeof def.type !== "string") {
    throw wrongType("parsePairValue", "def", "a pair definition (see definePair)", def);
  }
  label ??= `pair "${def.name}"`;
  if (typeof raw !== "string") fail(label, `expected a string to parse, got ${typeName(raw)}`);
  const expected = `expected ${def.expected ?? EXPECTED[def.type] ?? def.type}`;
  const bad = (): never => fail(label, expected + describeRaw(def, raw));
  let value: unknown;
  switch (def.type) {
    case "string":
      value = raw;
      break;
    case "boolean": {
      const t = raw.toLowerCase();
      // go-storage's strconv.ParseBool forms too (`t`, `F`, ...), for its connection strings.
      if (t === "" || t === "true" || t === "t" || t === "1") value = true;
      else if (t === "false" || t === "f" || t === "0") value = false;
      else bad();
      break;
    }
    case "integer": {
      const t = raw.trim();
      if (/^[+-]?[0-9]+$/.test(t) || /^0x[0-9a-f]+$/i.test(t)) value = Number(t) || 0;
      if (unsafeInteger(value)) fail(label, UNSAFE_INTEGER + describeRaw(def, raw));
      if (!Number.isSafeInteger(value)) bad();
      break;
    }
    case "size":
      value = parseUnitNumber(raw, SIZE_UNITS) ?? bad();
      break;
    case "duration":
      value = parseUnitNumber(raw, DURATION_UNITS) ?? bad();
      break;
    case "bytes":
      value = parseBase64(raw) ?? bad();
      break;
    case "credential":
      try {
        value = parseCredential(raw);
      } catch (e) {
        rethrow(label, e);
      }
      break;
    case "endpoint":
      try {
        value = parseEndpoint(raw);
      } catch (e) {
        rethrow(label, e);
      }
      break;
    default:
      fail(label, `${EXPECTED[def.type] ?? def.type} cannot be given as a string`);
  }
  return finalCheck(def, value, label);
}

function checkCredential(value: unknown, label: string): Credential {
  if (typeof value === "string") {
    try {
      return parseCredential(value);
    } catch (e) {
      rethrow(label, e);
    }
  }
  const v = value as Partial<Record<string, unknown>> | null;
  if (v && typeof v === "object" && v.protocol === "env") return { protocol: "env" };
  if (v && typeof v === "object" && v.protocol === "hmac") {
    const { accessKey, secretKey, securityToken } = v;
    if (typeof accessKey !== "string" || accessKey === "") fail(label, "hmac credential needs a non-empty accessKey string");
    if (typeof secretKey !== "string" || secretKey === "") fail(label, "hmac credential needs a non-empty secretKey string");
    if (securityToken !== undefined && (typeof securityToken !== "string" || securityToken === "")) fail(label, "securityToken must be a non-empty string");
    try {
      checkHmacCharacters(accessKey, secretKey, securityToken as string | undefined);
    } catch (e) {
      rethrow(label, e);
    }
    return securityToken === undefined ? { protocol: "hmac", accessKey, secretKey } : { protocol: "hmac", accessKey, secretKey, securityToken: securityToken as string };
  }
  return fail(label, `expected ${EXPECTED.credential} or a { protocol: "hmac" | "env", ... } object`);
}

function checkEndpoint(value: unknown, label: string): Endpoint {
  try {
    if (typeof value === "string") return parseEndpoint(value);
    const v = value as Partial<Record<string, unknown>> | null;
    if (!v || typeof v !== "object" || typeof v.protocol !== "string" || typeof v.host !== "string") {
      return fail(label, `expected ${EXPECTED.endpoint} or a { protocol, host, port? } object, got ${typeName(value)}`);
    }
    if (v.port !== undefined && typeof v.port !== "number") fail(label, "port must be a number");
    return makeEndpoint(v.protocol, v.host, v.port as number | undefined);
  } catch (e) {
    return rethrow(label, e);
  }
}

function checkStringMap(value: unknown, label: string): Record<string, string> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(label, `expected ${EXPECTED["string-map"]}, got ${typeName(value)}`);
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  for (const [k, v] of Object.entries(value)) {
    const key = k.toLowerCase();
    if (key === "") fail(label, "keys must not be empty");
    if (typeof v !== "string") fail(label, `value of key ${JSON.stringify(k)} must be a string, got ${typeName(v)}`);
    if (seen.has(key)) fail(label, `key ${JSON.stringify(key)} is given twice (keys are case-insensitive)`);
    seen.add(key);
    entries.push([key, v]);
  }
  return Object.fromEntries(entries);
}

/**
 * Checks a value a JS caller passed for a pair and returns it normalised:
 * `credential`, `endpoint`, `size`, `duration` and `bytes` also accept their
 * string forms (a duration is at most 2^31 − 1 ms either way); `bytes` accepts any Uint8Array (returned as a Buffer);
 * `string-map` keys are lower-cased (values must be strings); `signal` must be
 * an AbortSignal and `function` a function. Then `enum` and `validate` run.
 * @param label how to name the pair in messages (default: `option "<camelCaseName>"`).
 * @throws StorageError `InvalidArgument` when the value has the wrong type or fails a check, or `def`
 * is no pair definition (an object with a string `name` and `type`).
 */
export function checkPairValue(def: PairDefinition, value: unknown, label?: string): unknown {
  if (def === null || typeof def !== "object" || typeof def.name !== "string" || typeof def.type !== "string") {
    throw wrongType("checkPairValue", "def", "a pair definition (see definePair)", def);
  }
  label ??= `option "${camelCase(def.name)}"`;
  const wrong = (): never => fail(label, `expected ${def.expected ?? EXPECTED[def.type] ?? def.type}, got ${typeName(value)}`);
  let out: unknown = value;
  switch (def.type) {
    case "string":
      if (typeof value !== "string") wrong();
      break;
    case "boolean":
      if (typeof value !== "boolean") wrong();
      break;
    case "integer":
      if (typeof value !== "number") wrong();
      if (!Number.isSafeInteger(value)) fail(label, `${unsafeInteger(value) ? UNSAFE_INTEGER : `expected ${def.expected ?? EXPECTED.integer}`}${def.secret ? "" : `, got ${String(value)}`}`);
      break;
    case "size":
    case "duration":
      if (typeof value === "string") return parsePairValue(def, value, label);
      if (typeof value !== "number") wrong();
      if (!Number.isSafeInteger(value) || (value as number) < 0) fail(label, `${unsafeInteger(value) && (value as number) > 0 ? UNSAFE_INTEGER : `expected ${EXPECTED[def.type]}`}, got ${String(value)}`);
      break;
    case "bytes":
      if (typeof value === "string") return parsePairValue(def, value, label);
      if (!(value instanceof Uint8Array)) wrong();
      out = Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
      break;
    case "credential":
      out = checkCredential(value, label);
      break;
    case "endpoint":
      out = checkEndpoint(value, label);
      break;
    case "string-map":
      out = checkStringMap(value, label);
      break;
    case "function":
      if (typeof value !== "function") wrong();
      break;
    case "signal": {
      const s = value as { aborted?: unknown; addEventListener?: unknown } | null;
      if (!s || typeof s !== "object" || typeof s.aborted !== "boolean" || typeof s.addEventListener !== "function") wrong();
      break;
    }
    default:
      wrong();
  }
  return finalCheck(def, out, label);
}
