/**
 * Bounds of one request and of one upload (review-bounds M1, L4):
 * - a body written in one request is one Buffer, so `multipart_threshold` is cut to what a Buffer
 *   holds (4 GiB on Node.js 20) as it is to the service's `writeSizeMaximum`: a larger body goes
 *   multipart instead of being read whole into memory and then failing `Unexpected` (a RangeError);
 * - `completeMultipart` with more parts than one upload holds is `InvalidArgument` naming the limit,
 *   before anything is sent (it was a listing, then a `Conflict` about another part).
 */
import { describe, expect, it } from "@jest/globals";
import { constants as bufferConstants } from "node:buffer";
import { randomUUID } from "node:crypto";
import "@stowage/memory";
import { defineFeatures, type StorageFeatures } from "../src/features.js";
import type { Part } from "../src/object/object-info.js";
import { getService, newStorager } from "../src/registry/registry.js";
import { checkPartCount } from "../src/storager/multipart-ops.js";
import { planWrite, SINGLE_REQUEST_MAXIMUM } from "../src/storager/write-plan.js";
import { rejection } from "./rejection.js";
import { fails } from "./refusal.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** One Buffer's maximum: 4 GiB on Node.js 20 (later versions hold more). */
const BUFFER_MAXIMUM = bufferConstants.MAX_LENGTH;
/** The end-to-end case needs a Buffer maximum below the threshold it sets (Node.js 20's 4 GiB). */
const whenBufferCapped = BUFFER_MAXIMUM < 5 * GiB ? it : it.skip;

const memoryFeatures = (): Readonly<StorageFeatures> => getService("memory")!.newStorageDriver({ workDir: "/", name: "x" }).features as Readonly<StorageFeatures>;

describe("multipart_threshold is cut to what one request carries (one Buffer)", () => {
  it("SINGLE_REQUEST_MAXIMUM is what one Buffer holds", () => {
    expect(SINGLE_REQUEST_MAXIMUM).toBe(BUFFER_MAXIMUM);
  });

  it("memory, fs (no writeSizeMaximum): a threshold above a Buffer's maximum is cut to it", () => {
    const features = memoryFeatures();
    expect(planWrite(features, { multipartThreshold: 2 ** 50 }, undefined).threshold).toBe(BUFFER_MAXIMUM);
    expect(planWrite(features, { multipartThreshold: BUFFER_MAXIMUM + 1 }, undefined).threshold).toBe(BUFFER_MAXIMUM);
    expect(planWrite(features, { multipartThreshold: 16 * MiB }, undefined).threshold).toBe(16 * MiB);
    // A body of known size just above it goes multipart (a part size is planned).
    expect(planWrite(features, { multipartThreshold: 2 ** 50 }, BUFFER_MAXIMUM + 1).partSize).toBeGreaterThan(0);
    expect(planWrite(features, { multipartThreshold: 2 ** 50 }, BUFFER_MAXIMUM).partSize).toBe(0);
  });

  it("a service with writeSizeMaximum 5 GiB (COS, OSS, QingStor): cut to the lower of the two", () => {
    const features = defineFeatures({ write: true, multipart: true, limits: { writeSizeMaximum: 5 * GiB, multipartNumberMaximum: 10_000 } });
    expect(planWrite(features, { multipartThreshold: 5 * GiB }, undefined).threshold).toBe(Math.min(5 * GiB, BUFFER_MAXIMUM));
    expect(planWrite(features, { multipartThreshold: 6 * GiB }, undefined).threshold).toBe(Math.min(5 * GiB, BUFFER_MAXIMUM));
  });

  it("a service without multipart: a known size above a Buffer's maximum is InvalidArgument before anything is read", () => {
    const features = defineFeatures({ write: true, multipart: false });
    expect(planWrite(features, {}, undefined).threshold).toBe(BUFFER_MAXIMUM);
    const e = fails("InvalidArgument", () => planWrite(features, {}, BUFFER_MAXIMUM + 1));
    expect(e.message).toContain(`exceed the ${BUFFER_MAXIMUM} bytes one request holds`);
  });

  whenBufferCapped.each([
    ["per call", "", { multipartThreshold: 5 * GiB }],
    ["at open", "?multipart_threshold=5GiB", {}],
  ])("memory, threshold 5 GiB %s: a stream of one Buffer's maximum + 1 goes multipart, not read whole into memory", async (_, query, options) => {
    const store = newStorager(`memory://m-${randomUUID()}/${query}`);
    const stop = new AbortController();
    const chunk = Buffer.alloc(MiB);
    let read = 0;
    // Lazily yields zeros; refuses to be read far without a multipart upload begun (the old
    // single-request path read all 4 GiB into memory, then failed Unexpected: a RangeError).
    async function* zeros(): AsyncGenerator<Buffer> {
      while (read < BUFFER_MAXIMUM + 1) {
        if (read > 256 * MiB && !stop.signal.aborted) throw new Error("read 256 MiB without starting a multipart upload");
        const n = Math.min(MiB, BUFFER_MAXIMUM + 1 - read);
        read += n;
        yield n === MiB ? chunk : chunk.subarray(0, n);
      }
    }
    let created: string | undefined;
    const write = store.write("big", zeros(), {
      ...options,
      size: BUFFER_MAXIMUM + 1,
      signal: stop.signal,
      onMultipartCreate: (id) => {
        created = id;
        stop.abort();
      },
    });
    const e = await rejection(write);
    expect(e.code).toBe("Aborted");
    expect(created).toBeDefined();
    expect(read).toBeLessThan(256 * MiB);
    await expect(store.stat("big")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});

describe("completeMultipart with more parts than one upload holds", () => {
  const fabricated = (count: number): Part[] => Array.from({ length: count }, (_, index) => ({ index, size: 5 * MiB, etag: `"e${index}"` }));

  it("memory (10,000 parts): 10,001 is InvalidArgument naming the limit; 10,000 goes on to the upload's parts (Conflict)", async () => {
    const store = newStorager(`memory://m-${randomUUID()}/`);
    const upload = await store.createMultipart("many");
    const over = await rejection(store.completeMultipart(upload, fabricated(10_001)));
    expect([over.code, over.message]).toEqual(["InvalidArgument", expect.stringContaining("10001 parts is more than the 10000-part limit")]);
    const atLimit = await rejection(store.completeMultipart(upload, fabricated(10_000)));
    expect(atLimit.code).toBe("Conflict");
    // The upload is still there, untouched.
    const part = await store.writeMultipart(upload, Buffer.from("abc"), { index: 0 });
    await expect(store.completeMultipart(upload, [part])).resolves.toMatchObject({ size: 3, parts: 1 });
  });

  it("checkPartCount: completePartsMaximum wins over multipartNumberMaximum (QingStor 10,001); no limit, no refusal", () => {
    expect(() => checkPartCount(10_001, { multipartNumberMaximum: 10_000, completePartsMaximum: 10_001 })).not.toThrow();
    const e = fails("InvalidArgument", () => checkPartCount(10_002, { multipartNumberMaximum: 10_000, completePartsMaximum: 10_001 }));
    expect(e.message).toContain("10002 parts is more than the 10001-part limit of one upload (limits.completePartsMaximum)");
    expect(() => checkPartCount(10_000, { multipartNumberMaximum: 10_000 })).not.toThrow();
    fails("InvalidArgument", () => checkPartCount(10_001, { multipartNumberMaximum: 10_000 }));
    expect(() => checkPartCount(1_000_000, {})).not.toThrow();
  });
});
