import { ProtocolError } from "./protocol-error.js";

/** A byte range, `end` exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a single `Range: bytes=a-b | a- | -n` header against an object of
 * `size` bytes. Malformed or multi-range headers are ignored (whole object).
 * A range starting at or past the end is unsatisfiable: `InvalidRange` when
 * `strict`, else the whole object (OSS's default behaviour).
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
    start = Math.max(0, size - n);
    end = size;
  } else {
    start = Number(m[1]);
    if (m[2] !== "" && Number(m[2]) < start) return undefined; // a-b with b < a is malformed: ignored
    end = m[2] === "" ? size : Math.min(Number(m[2]) + 1, size);
  }
  if (start >= size) return unsatisfiable(strict, size);
  return { start, end };
}

function unsatisfiable(strict: boolean, size: number): undefined {
  if (strict) throw new ProtocolError("InvalidRange", "The requested range is not satisfiable.", { ActualObjectSize: String(size) });
  return undefined;
}

/** `Content-Range` value for a served range. */
export function contentRange(r: ByteRange, size: number): string {
  return `bytes ${r.start}-${r.end - 1}/${size}`;
}
