import type { Readable } from "node:stream";
import type { ObjectInfo, Part } from "../object/object-info.js";
import type { ProgressListener } from "../options.js";

// The values a driver's primitives take and return (storage-driver.ts declares the primitives).

/**
 * An object as a driver reports it: the full key (no leading `/`, dirs end
 * with `/`) instead of a work_dir-relative path. Core turns keys into paths.
 */
export type RawObject = Omit<ObjectInfo, "path"> & { key: string };

/**
 * Options core passes to a driver primitive: validated, defaults merged, keys
 * camelCase. Global ones are typed; driver pairs arrive by their camelCase key.
 */
export interface DriverCallOptions {
  signal?: AbortSignal;
  /**
   * `copy`, `move` and `fetch` only (core takes it out of the others' options): a listener to
   * call with `{ bytes, total }` as the service copies or fetches, and last with
   * `{ bytes: size, total: size }` (size: of the object stored): once the call succeeded, or, where
   * the driver itself puts the object in place (fs, memory), just before it does, so that a listener
   * that throws changes nothing. Core relays it (reports that go backwards are dropped); it throws
   * when the caller's listener threw: let that fail the call.
   */
  onProgress?: ProgressListener;
  /**
   * `copy`, `move`, `write`, `createMultipart`, `createAppend` and `presign`: the pairs (camelCase)
   * core filled in from open-time defaults (`default_*`), which the call did not give itself
   * (empty when there are none; absent on other operations). A copy keeps some of its source's attributes over a default (COS,
   * OSS: the source's server-side encryption), never over the call's own choice; a driver whose
   * request cannot carry a pair may skip it when defaulted and must refuse it when given.
   */
  defaulted?: readonly string[];
  /**
   * `stat` of a `d/` key on an object store only: the marker object itself (one HEAD), not whether
   * keys lie below it (no listing): `ObjectNotExist` when there is no marker. Core sets it where it
   * needs to know what the marker holds (delete with `mode: "dir"`).
   */
  markerOnly?: boolean;
  [pair: string]: unknown;
}

/** A body of known size for a single request: bytes in memory, or a stream of exactly `size` bytes. */
export interface DriverBody {
  /**
   * Bytes in memory, or a stream that yields exactly `size` bytes. A Buffer here is not the
   * driver's: for a single `write` it is the caller's memory (their Buffer, or a view of it), or
   * core's own copy (from 1 MiB up, where core hashes on worker threads), which core reuses for the
   * next write once this one resolved; for the bodies of `writeMultipart` and `writeAppend` it is
   * the caller's memory, which the caller may change or reuse once the call resolved; for a
   * multipart `write` it is core's part buffer, reused for a later part once `writePart` settled.
   * A driver must not keep `data` (or a view of it) after its call returns: copy what it stores
   * (an HTTP driver sends the bytes and keeps nothing). It must not change `data` either. The
   * behaviour suite's "caller buffers" cases check this.
   */
  data: Buffer | Readable;
  size: number;
  /** Base64 MD5 to send as Content-MD5, when core computed or was given one. */
  contentMd5?: string;
  /**
   * Decimal CRC-64/ECMA-182 of the body, when core already computed it: a driver that records a
   * checksum of the bytes it was handed (to send it, or to check a part later) need not hash again.
   * It is core's own number: a CRC-64 a driver reports back as what it stored (a write result, a
   * part, an append, a Complete) is compared with it where the driver's `features.crc64` is on, so
   * a driver that is its own service (an in-process store) reports the CRC-64 of the bytes as it stored them (hashing its own copy),
   * never this value handed back, which would make core's check compare its number with itself.
   */
  crc64?: string;
  /** Drivers that can tell may call this with the cumulative bytes sent so far; core reports completion itself. */
  onProgress?: (bytesSent: number) => void;
  /**
   * For `writeAppend`: the whole object's CRC-64 (decimal) before this chunk, when the caller's
   * object knows it. A driver judging an append whose answer was lost compares the object with it;
   * fs and memory check before every append that the object still holds bytes with this CRC-64
   * (not re-created or replaced), and refuse with `ObjectModeInvalid` otherwise.
   */
  appendBaseCrc64?: string;
}

/** What a driver's single write reports. */
export interface DriverWriteResult {
  etag?: string;
  /**
   * CRC-64 (decimal) the service says it stored. Core compares it with its own only where the
   * driver's `features.crc64` is on (turn it on when the service returns one); off, a `write`'s is
   * ignored (the result reports core's) and a `completeMultipart`'s, unchecked, may be reported as
   * the object's.
   */
  crc64?: string;
}

/** The start of a read: the stream and what the service said about the object. */
export interface DriverReadResult {
  stream: Readable;
  /** Whole-object metadata when known (size is the object's full size). */
  object?: RawObject;
  /** CRC-64 (decimal) of the whole object, when the service sent one; core checks it on full reads where the driver's feature `crc64` is on. */
  crc64?: string;
  /**
   * CRC-64 (decimal) of the whole object that the driver vouches for where the service computes
   * none (QingStor: the CRC ETag Stowage stored at Complete). Core checks it on full reads, across
   * every piece of a resumed read, whatever the feature `crc64`; it takes precedence over `md5`.
   */
  storedCrc64?: string;
  /**
   * MD5 (lower-case hex) of the whole object, when the service vouches for one
   * (a plain-MD5 ETag of an unencrypted, single-PUT object). Core checks it on
   * full reads, across every piece of a resumed read; set it only where the
   * service gives no CRC-64.
   */
  md5?: string;
}

/** A page from {@link StorageDriver.listPage}. */
export interface DriverListPage {
  /**
   * The keys in UTF-8 byte order ({@link compareKeys}, not JavaScript's UTF-16 `sort()`), each
   * page after the one before: core's `startAfter` and the suite's "list order" cases rely on it.
   */
  items: RawObject[];
  nextToken?: string;
}

/** Parameters of one list page. */
export interface DriverListRequest {
  /** Key prefix (may be empty). */
  prefix: string;
  /** `"/"` for one level (dirs come back as `dir` objects ending with `/`), absent for a flat walk. */
  delimiter?: "/";
  /**
   * A `nextToken` this driver returned for the same prefix, mode and bucket: core wraps the
   * driver's tokens in checked public ones (listing/list-token.ts) and hands back only what the
   * driver produced, so a driver may trust its shape.
   */
  token?: string;
  /**
   * Flat listings (no delimiter) without a token: only keys that sort after this full key (in
   * UTF-8 byte order, {@link compareKeys}). Core filters nothing itself: a driver honours it (an
   * object store passes it as its start-after or marker parameter).
   */
  startAfter?: string;
  limit: number;
}

/** A page of in-progress uploads. */
export interface DriverUploadsPage {
  items: RawObject[];
  nextToken?: string;
}

/** A page of parts. */
export interface DriverPartsPage {
  items: Part[];
  nextToken?: string;
}
