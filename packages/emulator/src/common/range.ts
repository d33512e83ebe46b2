import { ProtocolError } from "./protocol-error.js";

/** A byte range, `end` exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a single `Range: bytes=a-b | a- | -n` header against an object of `size` bytes.
 * Malformed or multi-range headers are ignored (whole object). With `strict` (RFC 7233, as COS,
 * QingStor and OSS with `x-oss-range-behavior: standard` serve ranges) an end past the object is
 * cut to it, a suffix longer than the object is the whole object, and a range starting at or past
 * the end is unsatisfiable: `InvalidRange`, whose answer carries a `Content-Range` giving the size
 * (RFC 7233 §4.4).
 * Without `strict` (OSS's default) any range not within `0..size-1` (an end or start past the
 * object, a suffix longer than it) is ignored: the whole object, as OSS documents.
 * @throws ProtocolError `InvalidRange`
 */
export function parseRange(header: string | undefined, size: number, strict: boolean): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return unsatisfiable(strict, size);
    if (n > size && !strict) return undefined;
    start = Math.max(0, size - n);
    end = size;
  } else {
    start = Number(m[1]);
    if (m[2] !== "" && Number(m[2]) < start) return undefined; // a-b with b < a is malformed: ignored
    if (m[2] !== "" && Number(m[2]) >= size && !strict) return undefined;
    end = m[2] === "" ? size : Math.min(Number(m[2]) + 1, size);
  }
  if (start >= size) return unsatisfiable(strict, size);
  return { start, end };
}

function unsatisfiable(strict: boolean, size: number): undefined {
  if (strict) {
    throw new ProtocolError("InvalidRange", "The requested range is not satisfiable.", { ActualObjectSize: String(size) }, { "content-range": `bytes */${size}` });
  }
  return undefined;
}

/**
 * Parses a COS part-copy range, `x-cos-copy-source-range: bytes=first-last`, against a source of
 * `size` bytes. COS documents only this form, both offsets within the source: anything else (a
 * suffix or open-ended range, `last` before `first`, `last` at or past the end) is refused, as S3
 * refuses a copy range outside its source, never cut to the source.
 * @throws ProtocolError `InvalidArgument`
 */
export function parseCopyRange(header: string, size: number): ByteRange {
  const m = /^\s*bytes\s*=\s*(\d+)\s*-\s*(\d+)\s*$/i.exec(header);
  const first = m ? Number(m[1]) : NaN;
  const last = m ? Number(m[2]) : NaN;
  if (!(first <= last && last < size)) {
    throw new ProtocolError("InvalidArgument", `The copy range must be bytes=first-last within the source object (${size} bytes).`);
  }
  return { start: first, end: last + 1 };
}

/** `Content-Range` value for a served range. */
export function contentRange(r: ByteRange, size: number): string {
  return `bytes ${r.start}-${r.end - 1}/${size}`;
}
