/**
 * Upper bounds of pairs whose values reach a timer or a buffer (review-pairs M1, M2, M3):
 * - a duration above 2^31 − 1 ms is refused (setTimeout would fire after 1 ms), and timers whose
 *   delay is derived from one (a backoff sleep, a provider call's timeout) are clamped;
 * - an open-time part_size above the service's largest part is refused at open, and a write that
 *   goes in one request does not depend on part_size;
 * - part_size is at most 5 GiB (or what a Buffer holds), part buffers are never larger than a
 *   body of known length, and a buffer that cannot be allocated is InvalidArgument, not Unexpected.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { constants as bufferConstants } from "node:buffer";
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import "@stowage/fs";
import "@stowage/memory";
import type { StorageDriver } from "../src/driver/storage-driver.js";
import { defineFeatures, type StorageFeatures } from "../src/features.js";
import { httpPairs } from "../src/http/http-pairs.js";
import { abortableSleep } from "../src/io/abort.js";
import { PartBufferPool } from "../src/io/part-buffers.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { PairDefinition } from "../src/pairs/pair-definition.js";
import { checkPairValue, parsePairValue } from "../src/pairs/parse-value.js";
import { checkDefaults } from "../src/pairs/validate-options.js";
import { credentialTimeoutPair } from "../src/registry/credential-timeout-pair.js";
import { ProviderCall, TIMED_OUT } from "../src/registry/provider-call.js";
import { getService, newStorager, registerService, unregisterService } from "../src/registry/registry.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { planWrite } from "../src/storager/write-plan.js";
import { rejection } from "./rejection.js";
import { useTempFiles } from "./temp-files.js";
import { fails } from "./refusal.js";

const MiB = 1024 * 1024;
/** The longest delay a timer waits: 2^31 − 1 ms. */
const TIMER_DELAY_MAXIMUM_MS = 2_147_483_647;
/** The largest part_size: 5 GiB, or what one Buffer holds where that is less (4 GiB on Node.js 20). */
const PART_SIZE_MAXIMUM = Math.min(5 * 1024 ** 3, bufferConstants.MAX_LENGTH);

const DURATION_PAIRS: ReadonlyArray<PairDefinition> = [httpPairs.retryBaseDelay, httpPairs.retryMaxDelay, httpPairs.requestTimeout, credentialTimeoutPair];

/** A service with every duration pair core defines, which is never opened for real. */
const timers: ServiceDefinition = {
  type: "timersdemo",
  packageName: "@stowage/timersdemo",
  description: "a service with the duration pairs",
  pairs: { ...httpPairs, credentialTimeout: credentialTimeoutPair },
  newStorageDriver: () => {
    throw new Error("not used");
  },
};

describe("durations above 2^31 − 1 ms (what a timer waits) are refused, not turned into 1 ms", () => {
  it.each(DURATION_PAIRS.map((def) => [def.name, def] as const))("%s: at most 2147483647 ms, in a string or as a number", (name, def) => {
    expect(parsePairValue(def, "2147483647")).toBe(TIMER_DELAY_MAXIMUM_MS);
    expect(parsePairValue(def, "596h")).toBe(596 * 3_600_000);
    for (const raw of ["2147483648", "597h", "1000h", "3000000000ms"]) {
      const e = fails("InvalidArgument", () => parsePairValue(def, raw));
      expect(e.message).toContain(`pair "${name}": must be at most 2147483647 ms`);
    }
    fails("InvalidArgument", () => checkPairValue(def, 3_000_000_000));
    fails("InvalidArgument", () => checkPairValue(def, "1000h"));
    expect(checkPairValue(def, TIMER_DELAY_MAXIMUM_MS)).toBe(TIMER_DELAY_MAXIMUM_MS);
    expect(def.description).toContain("at most 2147483647 ms");
  });

  it("an open refuses one naming the pair: ConnectionStringInvalid in a string, InvalidArgument in an object", () => {
    const inString = fails("ConnectionStringInvalid", () => resolveOpenConfig(timers, "timersdemo://b/?credential_timeout=1000h", "storager"));
    expect(inString.message).toContain('"credential_timeout"');
    const inObject = fails("InvalidArgument", () => resolveOpenConfig(timers, { type: "timersdemo", retryMaxDelay: 3_000_000_000 }, "storager"));
    expect(inObject.message).toContain('"retryMaxDelay"');
    expect(resolveOpenConfig(timers, "timersdemo://b/?request_timeout=596h&retry_max_delay=2147483647", "storager").config).toMatchObject({ requestTimeout: 596 * 3_600_000 });
  });

  it("a backoff sleep longer than a timer waits is cut to that, not ended after 1 ms", async () => {
    const controller = new AbortController();
    const sleep = abortableSleep(3_000_000_000, controller.signal);
    const first = await Promise.race([sleep.then(() => "woke", () => "failed"), delay(100).then(() => "still asleep")]);
    controller.abort();
    await expect(sleep).rejects.toMatchObject({ code: "Aborted" });
    expect(first).toBe("still asleep");
  });

  it("a provider call whose timeout is longer than a timer waits is not timed out at once", async () => {
    const call = new ProviderCall(delay(50).then(() => "creds"), 3_000_000_000);
    await expect(call.result).resolves.toBe("creds");
    const quick = new ProviderCall(new Promise<string>(() => {}), 20);
    await expect(quick.result).rejects.toBe(TIMED_OUT);
  });
});

/** The memory service, its driver reporting parts of at most 5 MiB (as a cloud reports 5 GiB). */
const memory = getService("memory")!;
const CAPPED_MAXIMUM = 5 * MiB;
const capped: ServiceDefinition = {
  ...memory,
  type: "cappeddemo",
  packageName: "@stowage/cappeddemo",
  newStorageDriver(config, defaults) {
    const real = memory.newStorageDriver(config, defaults);
    const features = defineFeatures({ ...real.features, limits: { ...real.features.limits, multipartSizeMaximum: CAPPED_MAXIMUM } });
    return new Proxy(real, {
      get(target, prop) {
        if (prop === "features") return features;
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as StorageDriver;
  },
};

describe("an open-time part_size above the service's largest part", () => {
  beforeAll(() => registerService(capped));
  afterAll(() => unregisterService("cappeddemo"));

  it("is refused at open, naming the pair (ConnectionStringInvalid in a string, InvalidArgument in an object), loose or not", () => {
    for (const conn of [`cappeddemo://b-${randomUUID()}/?part_size=6MiB`, `cappeddemo://b-${randomUUID()}/?part_size=6MiB&enable_loose_pair`]) {
      const e = fails("ConnectionStringInvalid", () => newStorager(conn));
      expect(e.message).toContain('pair "part_size": must be at most 5242880 (5 MiB), the largest part cappeddemo takes');
      expect(e.op).toBe("new_storager");
    }
    const e = fails("InvalidArgument", () => newStorager({ type: "cappeddemo", name: `b-${randomUUID()}`, partSize: 6 * MiB }));
    expect(e.message).toContain('option "partSize": must be at most 5242880');
    expect(newStorager(`cappeddemo://b-${randomUUID()}/?part_size=5MiB`).features.limits.multipartSizeMaximum).toBe(CAPPED_MAXIMUM);
  });

  it("is refused for a storager a servicer opens too (InvalidArgument: checkDefaults)", () => {
    const features = defineFeatures({ write: true, multipart: true, limits: { multipartSizeMaximum: CAPPED_MAXIMUM } });
    const e = fails("InvalidArgument", () => checkDefaults({ service: "cappeddemo", pairs: globalPairs, features, defaults: { partSize: 6 * MiB }, loose: true }));
    expect(e.message).toContain('pair "part_size"');
    checkDefaults({ service: "cappeddemo", pairs: globalPairs, features, defaults: { partSize: 5 * MiB }, loose: false });
  });

  it("a write that goes in one request does not use part_size, even one the service refuses", async () => {
    const store = newStorager(`cappeddemo://b-${randomUUID()}/`);
    await expect(store.write("small", "abc", { partSize: 6 * MiB })).resolves.toMatchObject({ size: 3 });
    const big = Buffer.alloc(2 * MiB, 7);
    const e = await rejection(store.write("big", big, { partSize: 6 * MiB, multipartThreshold: MiB }));
    expect([e.code, e.message]).toEqual(["InvalidArgument", expect.stringContaining("part size 6291456 is above the service maximum 5242880")]);
  });

  it("planWrite plans no part size for a known body within the threshold (none named, no upload)", () => {
    const features = defineFeatures({ write: true, multipart: true, limits: { multipartSizeMaximum: CAPPED_MAXIMUM } });
    expect(planWrite(features, { partSize: 6 * MiB }, 3).partSize).toBe(0);
    expect(() => planWrite(features, { partSize: 6 * MiB }, 3, undefined)).not.toThrow();
    expect(() => planWrite(features, { partSize: 6 * MiB, multipartId: "u1" }, 3)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    expect(() => planWrite(features, { partSize: 6 * MiB }, undefined)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });
});

describe("part_size where the service has no largest part (fs, memory)", () => {
  const { dir } = useTempFiles("stowage-pair-bounds-");

  it("is at most 5 GiB, or what one Buffer holds where that is less: InvalidArgument naming the pair", () => {
    fails("InvalidArgument", () => checkPairValue(globalPairs.partSize, PART_SIZE_MAXIMUM + 1));
    expect(checkPairValue(globalPairs.partSize, PART_SIZE_MAXIMUM)).toBe(PART_SIZE_MAXIMUM);
    const e = fails("ConnectionStringInvalid", () => newStorager(`memory://m-${randomUUID()}/?part_size=1T`));
    expect(e.message).toContain(`pair "part_size": must be at most ${PART_SIZE_MAXIMUM}`);
    fails("ConnectionStringInvalid", () => newStorager(`fs://${dir()}/?part_size=1T`));
  });

  it.each([["memory"], ["fs"]])("%s: a write given partSize 2^40 fails with InvalidArgument before anything is written, never Unexpected", async (service) => {
    const store = service === "memory" ? newStorager(`memory://m-${randomUUID()}/`) : newStorager(`fs://${dir()}/`);
    const e = await rejection(store.write("x", Buffer.alloc(10), { partSize: 2 ** 40, multipartThreshold: 0 }));
    expect([e.code, e.message]).toEqual(["InvalidArgument", expect.stringContaining('option "partSize": must be at most')]);
    await expect(store.stat("x")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("a part buffer is never larger than a body of known length", async () => {
    const features = getService("memory")!.newStorageDriver({ workDir: "/", name: "x" }).features as Readonly<StorageFeatures>;
    expect(planWrite(features, { partSize: PART_SIZE_MAXIMUM, multipartThreshold: 0 }, 10).partSize).toBe(10);
    expect(planWrite(features, { partSize: 8 * MiB, multipartThreshold: 0, multipartId: "u1" }, 0).partSize).toBe(1);
    expect(planWrite(features, { partSize: 8 * MiB, multipartThreshold: 0 }, 20 * MiB).partSize).toBe(8 * MiB);
    // Unknown length: the part size as asked (the stream may be long).
    expect(planWrite(features, { partSize: 8 * MiB, multipartThreshold: 0 }, undefined).partSize).toBe(8 * MiB);
    const store = newStorager(`memory://m-${randomUUID()}/?part_size=${PART_SIZE_MAXIMUM}&multipart_threshold=0`);
    await expect(store.write("ten", Buffer.alloc(10, 1))).resolves.toMatchObject({ size: 10, parts: 1 });
  });

  it("a part buffer that cannot be allocated is InvalidArgument naming part_size (the RangeError as cause)", () => {
    const pool = new PartBufferPool(2 ** 45, 1);
    const e = fails("InvalidArgument", () => pool.acquire());
    expect(e.message).toContain("part_size");
    expect((e.cause as Error).name).toBe("RangeError");
  });
});

