import { Readable } from "node:stream";
import type { StreamingResponse } from "../http/http-response.js";
import { checkRangeAnswer, unrangedRangeRefusal } from "../http/response-headers.js";
import { sliceRange } from "../io/range-slice.js";
import type { DriverReadResult, RawObject } from "./driver-types.js";

// How a driver's read takes the answer to its GET (sent with `Range` when the read asks for part
// of the object): a 416 past the end reads nothing, a 206 must be for the range asked, and a 200
// to a ranged GET (a server that ignored Range, as HTTP allows) is cut down to the range.

/** What the answer handling needs of a GET's streaming answer (`StreamingResponse`). */
export type RangedGetAnswer = Pick<StreamingResponse, "status" | "request" | "requestId" | "header" | "stream" | "discard" | "fromHead">;

/** The part of the object a read asks for: from `offset` (0 when absent), `size` bytes (to the end when absent). */
export interface ReadRange {
  offset?: number;
  size?: number;
}

/** The body of a 2xx answer, as {@link rangeBody} gives it. */
export interface RangeBody {
  /** The bytes asked for. */
  stream: Readable;
  /** The object, from the answer's headers. */
  object: RawObject;
  /** True when the range starts at or past the end of a whole object a 200 delivered: `stream` is empty. */
  past: boolean;
}

/**
 * True when the GET of `res` carried a `Range` header.
 * @throws nothing.
 */
export function askedRange(res: Pick<RangedGetAnswer, "request">): boolean {
  return Object.keys(res.request.headers).some((name) => name.toLowerCase() === "range");
}

/**
 * True for a 416 (Range Not Satisfiable) to a ranged GET: the range starts past the end, and the
 * read gets nothing (the body is discarded). False for any other status.
 * @throws StorageError `Unexpected` (not retryable) for a 416 to a GET that sent no `Range`: no
 *   service gives that answer (a proxy?), and it must not be read as an empty object (see `unrangedRangeRefusal`).
 */
export async function pastTheEnd(res: RangedGetAnswer): Promise<boolean> {
  if (res.status !== 416) return false;
  await res.discard();
  if (!askedRange(res)) throw unrangedRangeRefusal(res);
  return true;
}

/**
 * The bytes `range` asks for from a 2xx answer to a GET: a 206 must start at `range.offset`
 * (`checkRangeAnswer`); a 200 to a ranged GET (the server ignored Range) is sliced
 * (`sliceRange`), or, when the range starts at or past the object's end, closed and replaced by
 * an empty stream (`past`). `objectOf` reads the object from the answer's headers; it is called
 * once the range is known to be the one asked; what it throws is thrown, the body closed.
 * @throws StorageError `IntegrityMismatch` (a 206 for other bytes; its body is closed), and what
 *   `objectOf` throws (`Unexpected`: a size no number holds exactly, see `objectSizeFromHeaders`)
 */
export function rangeBody(res: RangedGetAnswer, range: ReadRange, objectOf: () => RawObject): RangeBody {
  const offset = range.offset ?? 0;
  // A head that is refused closes the body (not read to its end: the connection is not kept).
  const object = res.fromHead(() => {
    checkRangeAnswer(res.status, res.header("content-range"), offset, range.size);
    return objectOf();
  });
  const stream = res.stream();
  if (res.status !== 200 || !askedRange(res)) return { stream, object, past: false };
  if (offset >= (object.size ?? 0)) {
    stream.destroy();
    return { stream: Readable.from([]), object, past: true };
  }
  return { stream: sliceRange(stream, offset, range.size), object, past: false };
}

/**
 * The read of `range` from the answer `res` to a GET (sent with `Range` for a ranged read, and
 * accepting 416): {@link pastTheEnd} reads nothing, else {@link rangeBody}, with the whole
 * object's CRC-64 from header `crcHeader` (when given and sent; not on a range past the end).
 * @throws StorageError `Unexpected` (a 416 to a GET without `Range`; what `objectOf` throws, the
 *   body closed), `IntegrityMismatch` (a 206 for other bytes)
 */
export async function openedRange(res: RangedGetAnswer, range: ReadRange, objectOf: () => RawObject, crcHeader?: string): Promise<DriverReadResult> {
  if (await pastTheEnd(res)) return { stream: Readable.from([]) };
  const crc = crcHeader === undefined ? undefined : res.header(crcHeader);
  const { stream, object, past } = rangeBody(res, range, objectOf);
  return crc === undefined || past ? { stream, object } : { stream, object, crc64: crc };
}
