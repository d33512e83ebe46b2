import type { ObjectInfo } from "./object/object-info.js";
import type { DriverCall } from "./http/driver-call.js";

// What a Storager reports: who it is and what its calls return (storager.ts declares the calls).

/** Who a storager is: service type, bucket (or root) name, work_dir. */
export interface StorageInfo {
  /** The service type, the scheme it was opened with: `cos`, `oss`, `qingstor`, `fs`, `memory`. */
  service: string;
  /** The bucket (COS, OSS, QingStor) or store (memory) name; empty where there is none (fs). */
  name: string;
  /** Absolute, ends with `/`. */
  workDir: string;
  /** The region (zone) of the bucket, where the service has one and it is known. */
  location?: string;
}

/** What a completed write reports. */
export interface WriteResult {
  /** Bytes stored. */
  size: number;
  /** The stored object's ETag, as the service answered it. */
  etag?: string;
  /** CRC-64/ECMA-182 (decimal) of what was stored, verified against the service where it returns one. */
  crc64?: string;
  /**
   * True when the service answered the write with the CRC-64 of what it stored (the object's, for a
   * multipart write) and core found it equal to `crc64`: the stored bytes are the bytes sent, with no
   * read-back or stat needed to know it. With `resumeOffset`, the parts taken as stored were not
   * sent in this call: only the `crc64` option ties them to the source, so without it this is false.
   * From `completeMultipart`: true when the service answered with the object's CRC-64 and it equals
   * the parts' combined, each part's CRC-64 as the service lists it (memory, OSS) or as core
   * hashed it when this process uploaded the part with `writeMultipart`; absent when no CRC-64 was
   * compared: where `features.crc64` is false (fs, whose CRC-64 is the one it computed itself;
   * QingStor; `integrity=false`), and for a part uploaded elsewhere on COS (never false).
   */
  crc64Confirmed?: boolean;
  /** Set when the write went multipart: the number of parts. */
  parts?: number;
  /** Resumed writes: parts already stored and verified, not sent again. */
  resumedParts?: number;
  /** Resumed writes: bytes in those parts. */
  resumedBytes?: number;
}

/** One page of a listing. */
export interface ListPage {
  /**
   * This page's entries. A page may hold fewer than `limit`, even none, with a `nextToken`:
   * services count directory markers toward a page, and prefix mode leaves them out.
   */
  items: ObjectInfo[];
  /**
   * Pass as `token` to get the next page; absent on the last page (only its absence ends a listing).
   * Opaque: it is only good for the listing that returned it (same service, bucket, path and mode).
   */
  nextToken?: string;
}

/** The HTTP methods a {@link PresignedRequest} can carry: those of a driver call but `HEAD`. */
export type PresignedMethod = Exclude<DriverCall["method"], "HEAD">;

/** A signed request anyone can send without credentials. */
export interface PresignedRequest {
  /** The HTTP method to send: `GET` (read, listMultipart), `PUT` (write, writeMultipart), `POST` (createMultipart, completeMultipart) or `DELETE` (delete, abortMultipart). */
  method: PresignedMethod;
  /** The signed URL. */
  url: string;
  /** Headers the sender must send as they are. */
  headers: Record<string, string>;
  /** The body the sender must send as it is, when the request has one (completeMultipart: the list of parts). */
  body?: string;
}

/** What `writeAppend` reports. */
export interface AppendResult {
  /** Bytes appended by this call. */
  size: number;
  /** Next append position. */
  appendOffset: number;
  /**
   * CRC-64 (decimal) of the whole object after this append, as the storage reported it: OSS and
   * memory always; COS where its APPEND answer carries one (its documentation names none); fs
   * after it checked that the file held the bytes `obj` describes. Absent where the storage
   * reports none (QingStor, which has no CRC-64; COS's documented answer): nothing then says
   * what the object's bytes are, beyond its length, and `obj.crc64` is removed too.
   */
  crc64?: string;
  /**
   * True when `crc64` is the CRC-64 `obj` had before combined with this chunk's: the object holds
   * exactly the bytes `obj` described and then this chunk. Absent when the storage reported no
   * CRC-64, or `obj` had none (an object from `list`, say): the position alone was checked then.
   */
  crc64Confirmed?: boolean;
}

/** What `restore` reports once the service accepted it. */
export interface RestoreResult {
  /**
   * True when the object was restored already (the service answered 200): its copy's expiry was set
   * `days` on, as the service counts them. False when this call started the restore (202): stat shows
   * `restore.ongoing` until the object can be read.
   */
  alreadyRestored: boolean;
}
