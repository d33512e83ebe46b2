import { copySourceChanged, ErrorCode, removeStoredWrong, sameCustomerKey, statSseCSource, storageError, type DriverCallOptions, type RawObject } from "@stowage/core";
import { sourceHeader } from "./addressing.js";
import type { QingStorClient } from "./client.js";
import { checkCopyAttributes, replacesAttributes, setsAttributes } from "./copy-attributes.js";
import { plainMd5 } from "./etag.js";
import { followLinks } from "./links.js";
import { multipartCopy } from "./multipart.js";
import { withoutObjectHeaders } from "./object-headers.js";
import * as req from "./requests.js";
import { copySourceSseHeaders, sseHeaders, usesSseC } from "./sse.js";
import { reportStored } from "./stored-size.js";

/** The largest object one copy request may copy: 5 GiB. */
export const COPY_SINGLE_MAXIMUM = 5 * 1024 * 1024 * 1024;

/** What a copy onto the object whose bytes it copies says of that object when QingStor's answer contradicts it (it is not deleted). */
export const IN_PLACE_KEPT = "the copy was onto the source itself, so it was not removed (it is the only copy): read it to check it";

/** Tuning a caller (or a test) may change; the defaults follow QingStor's limits. */
export interface QingStorDriverTuning {
  /** Copies larger than this use multipart copy (default {@link COPY_SINGLE_MAXIMUM}). */
  copyThreshold?: number;
  /** Part size of multipart copies. */
  copyPartSize?: number;
}

/** What {@link serverSideCopy} needs of the driver. */
export interface CopyContext {
  readonly client: QingStorClient;
  /** The bucket. */
  readonly name: string;
  /** False when `integrity=false`: the copy's ETag is not compared. */
  readonly integrity: boolean;
  readonly tuning: QingStorDriverTuning;
  /** `enable_loose_pair`: a multipart copy drops a given Cache-Control / Content-Encoding instead of refusing it. */
  readonly loose: boolean;
  /** The driver's stat (HEAD). */
  stat(key: string, options: DriverCallOptions): Promise<RawObject>;
  /** The driver's delete (a missing key is fine). */
  delete(key: string, options: DriverCallOptions): Promise<void>;
}

/**
 * Server-side copy (`x-qs-copy-source`; multipart copy above 5 GiB). Without attributes the copy
 * keeps the source's content type, metadata and storage class (and, a single copy, its
 * Cache-Control and Content-Encoding). Given a content type, metadata, Cache-Control or
 * Content-Encoding (feature `copyAttributes`), they replace the source's as a whole
 * (`x-qs-metadata-directive: REPLACE`; a multipart copy's Initiate carries exactly those given and
 * refuses a Cache-Control or Content-Encoding, as multipart writes do, after the source's HEAD and
 * before the upload starts); `storageClass` sets the copy's class, the source's kept otherwise.
 * A copy of an SSE-C source (read with the copy-source key) is encrypted with that same key unless
 * the call has a key of its own (an open-time one included): copies keep the source's encryption.
 * A copy onto the object itself (its key, or a link's target onto that target) changes nothing and
 * sends no copy unless it re-encrypts (another SSE-C key) or sets attributes: those then change in
 * place, the bytes kept (and, on the emulator, the ETag). A virtual link copied onto its own key with attributes is refused
 * (`ObjectModeInvalid`): the copy would replace the link with its target's bytes.
 * When QingStor's answer carries an ETag, a copy whose MD5
 * ETag differs from the source's fails with `IntegrityMismatch` and is removed, unless it was made
 * onto the object whose bytes it copied (its own key, or a link's target onto that target): that
 * object is the only copy and is kept. Its documented copy answer has none (nor has the
 * emulator's): against QingStor a single copy is then not verified, the check is skipped.
 * With `enable_loose_pair`, a multipart copy drops a Cache-Control or Content-Encoding it cannot carry
 * and decides by what is left: given nothing else, it keeps the source's type and metadata (in
 * place: nothing is sent).
 * A virtual link (seen by the HEAD every copy makes) is followed: its target is copied.
 * The copy (every range of a multipart one) is pinned to the ETag that HEAD gave
 * (`x-qs-copy-source-if-match`): a source overwritten in between fails the copy with `Conflict`
 * and nothing is stored. `options.onProgress` gets a multipart copy's ranges as they are copied
 * (see `multipartCopy`), and `{ bytes: size, total: size }` (the source's size) once the copy
 * succeeded and its checks passed.
 * @throws StorageError `ObjectNotExist` (source, or a link's target), `ObjectModeInvalid` (a dir, an appendable object, a link onto itself with attributes),
 *   `InvalidArgument` (more than 8 links, bad metadata or storage class: before anything is sent), `PairUnsupported` (Cache-Control or
 *   Content-Encoding on a multipart copy), `Conflict` (the source changed after its HEAD), `IntegrityMismatch`, `Unexpected` (the onProgress
 *   listener threw: a multipart copy is aborted, a copy already stored stays), ...
 */
export async function serverSideCopy(ctx: CopyContext, srcKey: string, dstKey: string, options: DriverCallOptions): Promise<void> {
  checkCopyAttributes(options);
  sseHeaders(options, ctx.client.secure);
  copySourceSseHeaders(options, ctx.client.secure);
  const given = options.copySourceEncryptionCustomerKey !== undefined;
  let from = srcKey;
  const stated = await statSseCSource(
    (withObjectKey) => {
      const sourceOptions: DriverCallOptions = { signal: options.signal };
      if (given || withObjectKey) {
        sourceOptions.encryptionCustomerKey = given ? options.copySourceEncryptionCustomerKey : options.encryptionCustomerKey;
        sourceOptions.encryptionCustomerAlgorithm = given ? options.copySourceEncryptionCustomerAlgorithm : options.encryptionCustomerAlgorithm;
      }
      return followLinks<RawObject>(srcKey, async (at) => {
        from = at;
        const o = await ctx.stat(at, sourceOptions);
        return o.mode === "link" ? { follow: o.linkTarget!.slice(1) } : o;
      });
    },
    !given && options.encryptionCustomerKey !== undefined,
  );
  const source = stated.source;
  if (stated.withObjectKey) {
    options = { ...options, copySourceEncryptionCustomerKey: options.encryptionCustomerKey, copySourceEncryptionCustomerAlgorithm: options.encryptionCustomerAlgorithm };
  } else if (given && options.encryptionCustomerKey === undefined) {
    // An SSE-C source stays SSE-C: without a key of its own, the copy is encrypted with the source's.
    options = { ...options, encryptionCustomerKey: options.copySourceEncryptionCustomerKey, encryptionCustomerAlgorithm: options.copySourceEncryptionCustomerAlgorithm };
  }
  if (source.mode === "dir") throw storageError(ErrorCode.ObjectModeInvalid, "the copy source is a directory");
  // Undocumented on QingStor (COS and OSS refuse it), and the copy's ETag would be the appendable's, no MD5 of its bytes.
  if (source.mode === "append") throw storageError(ErrorCode.ObjectModeInvalid, "QingStor copies no appendable object server-side here: read it and write the copy");
  const attributes = setsAttributes(options);
  // Through a link onto the link itself: copying would put the target's bytes in the link's place.
  if (attributes && srcKey === dstKey && from !== dstKey) {
    throw storageError(ErrorCode.ObjectModeInvalid, "a virtual link's attributes cannot be changed in place: copy its target onto the target's own key");
  }
  const stored = { size: source.size ?? 0 };
  const report = () => reportStored((key, o) => ctx.stat(key, o), dstKey, options, stored);
  const multipart = stored.size > (ctx.tuning.copyThreshold ?? COPY_SINGLE_MAXIMUM);
  // A multipart copy's Initiate takes no Cache-Control or Content-Encoding: refused, or dropped when loose (the copy then decides by what is left).
  const sent = multipart ? withoutObjectHeaders(options, "multipartCopy", ctx.loose) : options;
  // Onto the object whose bytes it copies (its key, or a link's target), a copy is an in-place change: that object is the only copy there is.
  const inPlace = srcKey === dstKey || from === dstKey;
  // In place, a copy changes nothing unless it re-encrypts (another SSE-C key than the source's) or sets attributes.
  if (inPlace && !setsAttributes(sent) && sameCustomerKey(options.copySourceEncryptionCustomerKey, options.encryptionCustomerKey)) return report();
  if (multipart) {
    // Attributes all dropped: the copy keeps the source's type and metadata, as one given none does.
    await multipartCopy(ctx.client, from, dstKey, source, sent, ctx.integrity, ctx.tuning.copyPartSize, replacesAttributes(sent));
    return report();
  }
  const call = req.copyObject(dstKey, sourceHeader(ctx.name, from), options, ctx.client.secure, source.storageClass, source.etag);
  let res;
  try {
    res = await ctx.client.sendBuffered(call, { signal: options.signal });
  } catch (e) {
    throw copySourceChanged(e, source.etag);
  }
  const copied = plainMd5(res.header("etag"));
  const original = plainMd5(source.etag);
  const encrypted = usesSseC(options) || options.copySourceEncryptionCustomerKey !== undefined;
  if (ctx.integrity && !encrypted && copied !== undefined && original !== undefined && copied !== original) {
    const removed = inPlace ? IN_PLACE_KEPT : await removeStoredWrong((signal) => ctx.delete(dstKey, { signal }), "copy");
    throw storageError(ErrorCode.IntegrityMismatch, `copy_object: the copy has MD5 ${copied}, the source ${original}; ${removed}`);
  }
  await report();
}
