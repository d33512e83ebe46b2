import { Crc64, crc64Equal, ErrorCode, isStorageError, Md5, type ObjectInfo, type StorageError, type Storager } from "@stowage/core";
import { SOURCE_RESTARTS, waitToRestart } from "./transfer/source-restart.js";

/** How two objects were found equal (or not); `link`: two symbolic links, by target (verify). */
export type VerifyMethod = "crc64" | "md5" | "size" | "reread" | "link";

/** The outcome of one check. */
export interface VerifyResult {
  ok: boolean;
  method: VerifyMethod;
  /** What differed, for the mismatch report. */
  detail?: string;
  /** {@link verifyCopy}: the destination as its stat showed it, when the check took one. */
  stored?: ObjectInfo;
}

/** Size and checksums of some bytes (MD5 as base64, the Content-MD5 form). */
export interface Checksums {
  size: number;
  crc64?: string;
  md5?: string;
  /** The destination answered the write with this `crc64` for what it stored (`WriteResult.crc64Confirmed`). */
  confirmed?: boolean;
}

/** What {@link hashObject} takes. */
export interface HashObjectOptions {
  /** Hash MD5 too. */
  md5?: boolean;
  signal?: AbortSignal;
  /**
   * Told before a read that broke is started again from byte 0: `n` is the restart (1-based, at
   * most 2) and `error` the read's error.
   */
  onRestart?: (n: number, error: StorageError) => void;
  /** Told of each chunk read, by its length (a read started again is told again: bytes read, not the object's size). */
  onBytes?: (bytes: number) => void;
}

/**
 * Reads an object to the end and hashes it (CRC64, and MD5 when asked). A read that breaks with a
 * retryable error (core resumes a broken read where it can pin the object's version, and gives up
 * with a retryable `ServiceInternal` once its resumes are spent or when nothing pins it) is started
 * again from byte 0, with fresh hashes, at most twice (after 250 ms, then 1 s, as a copy's source
 * read is); every other error ends it at once.
 * @throws ObjectNotExist, IntegrityMismatch (the service's own CRC check on the read), ServiceInternal
 *   (retryable: the read broke or ended short on every try), Aborted, and whatever else `Storager.read`
 *   refuses at once (InvalidArgument: a bad path; ObjectModeInvalid: a directory; PermissionDenied, ...)
 */
export async function hashObject(store: Storager, path: string, options: HashObjectOptions = {}): Promise<Checksums> {
  for (let restarts = 0; ; ) {
    try {
      return await hashOnce(store, path, options);
    } catch (e) {
      const signal = options.signal ?? new AbortController().signal;
      if (!isStorageError(e) || !e.retryable || e.code === ErrorCode.Aborted || signal.aborted || restarts >= SOURCE_RESTARTS) throw e;
      restarts++;
      options.onRestart?.(restarts, e);
      await waitToRestart(restarts, signal);
    }
  }
}

/** One read of {@link hashObject}, from byte 0 to the end. */
async function hashOnce(store: Storager, path: string, options: HashObjectOptions): Promise<Checksums> {
  const crc = new Crc64();
  const md5 = options.md5 ? new Md5() : undefined;
  let size = 0;
  for await (const chunk of store.createReadStream(path, options.signal ? { signal: options.signal } : {})) {
    const buf = chunk as Buffer;
    crc.update(buf);
    md5?.update(buf);
    size += buf.length;
    options.onBytes?.(buf.length);
  }
  return { size, crc64: crc.digest(), ...(md5 ? { md5: md5.digestBase64() } : {}) };
}

function mismatch(method: VerifyMethod, what: string, expected: string | number, actual: string | number): VerifyResult {
  return { ok: false, method, detail: `${what} differs: expected ${expected}, found ${actual}` };
}

/**
 * Checks a copied object against what was sent: its size, then the service's
 * CRC64 of it — or its MD5 where the service has no CRC64 — and with
 * `reread` a full read of the stored bytes hashed here. A write the service
 * answered with the matching CRC64 (`sent.confirmed`) needs no stat.
 * @throws ObjectNotExist (the copy is gone), Aborted; with `reread`, what {@link hashObject} throws:
 *   ServiceInternal (the re-read broke on every try), IntegrityMismatch (the service's own check on it)
 */
export async function verifyCopy(
  dst: Storager,
  path: string,
  sent: Checksums,
  options: { reread: boolean; signal?: AbortSignal; onRestart?: HashObjectOptions["onRestart"] },
): Promise<VerifyResult> {
  // The write's own answer named the stored CRC64 and core matched it: a stat would only say it again.
  if (!options.reread && sent.confirmed === true && sent.crc64 !== undefined) return { ok: true, method: "crc64" };
  const info = await dst.stat(path, options.signal ? { signal: options.signal } : {});
  return { ...(await checkStored(dst, path, sent, info, options)), stored: info };
}

/** {@link verifyCopy} once the destination was stat'ed. */
async function checkStored(dst: Storager, path: string, sent: Checksums, info: ObjectInfo, options: { reread: boolean; signal?: AbortSignal; onRestart?: HashObjectOptions["onRestart"] }): Promise<VerifyResult> {
  if (info.size !== undefined && info.size !== sent.size) return mismatch("size", "size", sent.size, info.size);
  if (options.reread && sent.crc64 !== undefined) {
    const read = await hashObject(dst, path, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onRestart ? { onRestart: options.onRestart } : {}) });
    if (read.size !== sent.size) return mismatch("reread", "size", sent.size, read.size);
    return crc64Equal(read.crc64!, sent.crc64) ? { ok: true, method: "reread" } : mismatch("reread", "crc64", sent.crc64, read.crc64!);
  }
  if (info.crc64 !== undefined && sent.crc64 !== undefined) {
    return crc64Equal(info.crc64, sent.crc64) ? { ok: true, method: "crc64" } : mismatch("crc64", "crc64", sent.crc64, info.crc64);
  }
  if (info.contentMd5 !== undefined && sent.md5 !== undefined) {
    return info.contentMd5 === sent.md5 ? { ok: true, method: "md5" } : mismatch("md5", "md5", sent.md5, info.contentMd5);
  }
  return { ok: true, method: "size" };
}

/** One side of {@link compareObjects}. */
export interface StoredObject {
  store: Storager;
  path: string;
  info: ObjectInfo;
  /**
   * `info` is what a stat of the object answered, not a listing's entry: {@link compareObjects}
   * does not stat it again when it states no CRC-64 (an object stored without one).
   */
  stated?: boolean | undefined;
}

/** Options of {@link compareObjects}. */
export interface CompareOptions {
  /** Read and hash both sides, whatever they report. */
  full?: boolean;
  signal?: AbortSignal;
  /** Told of each chunk read to hash it, by its length (for progress). */
  onBytes?: (bytes: number) => void;
}

/**
 * Compares two stored objects by content: sizes first, then the CRC64s the
 * services report (or MD5s; a stat fills in a CRC64 a listing left out, unless
 * {@link StoredObject.stated} says `info` is a stat's already),
 * reading and hashing whichever side lacks one.
 * `full` reads both sides whatever they report.
 * A read that breaks starts again from byte 0, at most twice ({@link hashObject}).
 * @throws ObjectNotExist, IntegrityMismatch (a read failed its own check), ServiceInternal (retryable:
 *   a read broke or ended short on every try), Aborted
 */
export async function compareObjects(a: StoredObject, b: StoredObject, options: CompareOptions = {}): Promise<VerifyResult> {
  if (a.info.size !== undefined && b.info.size !== undefined && a.info.size !== b.info.size) {
    return mismatch("size", "size", a.info.size, b.info.size);
  }
  const signal = options.signal ? { signal: options.signal } : {};
  const reading = { ...signal, ...(options.onBytes ? { onBytes: options.onBytes } : {}) };
  if (!options.full) {
    // Listings often omit checksums a stat reports: a stat is cheaper than a read. One that was
    // stat'ed already (the planner's compare stats first) would only say the same again.
    const withCrc = async (s: StoredObject): Promise<StoredObject> =>
      s.info.crc64 === undefined && s.stated !== true && s.store.features.crc64 ? { ...s, info: await s.store.stat(s.path, signal), stated: true } : s;
    [a, b] = await Promise.all([withCrc(a), withCrc(b)]);
    if (a.info.crc64 !== undefined && b.info.crc64 !== undefined) {
      return crc64Equal(a.info.crc64, b.info.crc64) ? { ok: true, method: "crc64" } : mismatch("crc64", "crc64", a.info.crc64, b.info.crc64);
    }
    if (a.info.contentMd5 !== undefined && b.info.contentMd5 !== undefined) {
      return a.info.contentMd5 === b.info.contentMd5 ? { ok: true, method: "md5" } : mismatch("md5", "md5", a.info.contentMd5, b.info.contentMd5);
    }
    const known = a.info.crc64 !== undefined ? a : b.info.crc64 !== undefined ? b : undefined;
    if (known !== undefined) {
      const other = known === a ? b : a;
      const h = await hashObject(other.store, other.path, reading);
      return crc64Equal(known.info.crc64!, h.crc64!) ? { ok: true, method: "crc64" } : mismatch("crc64", "crc64", a === known ? known.info.crc64! : h.crc64!, a === known ? h.crc64! : known.info.crc64!);
    }
    const withMd5 = a.info.contentMd5 !== undefined ? a : b.info.contentMd5 !== undefined ? b : undefined;
    if (withMd5 !== undefined) {
      const other = withMd5 === a ? b : a;
      const h = await hashObject(other.store, other.path, { md5: true, ...reading });
      return withMd5.info.contentMd5 === h.md5 ? { ok: true, method: "md5" } : mismatch("md5", "md5", withMd5.info.contentMd5!, h.md5!);
    }
  }
  const [ha, hb] = await Promise.all([hashObject(a.store, a.path, reading), hashObject(b.store, b.path, reading)]);
  if (ha.size !== hb.size) return mismatch("reread", "size", ha.size, hb.size);
  return crc64Equal(ha.crc64!, hb.crc64!) ? { ok: true, method: "reread" } : mismatch("reread", "crc64", ha.crc64!, hb.crc64!);
}
