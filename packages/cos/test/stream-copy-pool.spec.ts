/**
 * Copies that stream one object into another on the same service, `write(dst, createReadStream(src))`,
 * many at once with few connections: each read's body waits (paused) for the multipart upload it
 * feeds, and that upload needs connections of its own. Streamed reads and every other request take
 * their connections from separate pools (core http/agents.ts), so the uploads never wait behind the
 * paused bodies and every copy finishes. A hang guard aborts the copies (failing the test with
 * `Aborted`); nothing is timed. The emulator listens on 127.0.0.1.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { closeIdleConnections, crc64Decimal, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const MiB = 1024 * 1024;
const BUCKET = "pool-1250000000";
/**
 * Objects far larger than the socket buffers of both ends, so a read whose reader pauses keeps
 * its connection busy, and written in 1 MiB parts, one at a time (a multipart upload per copy).
 */
const SIZE = 16 * MiB;
const PARTS = "multipart_threshold=1048576&part_size=1048576&concurrency=1";
/** Ends copies that would wait for ever without the fix (they then fail with `Aborted`). */
const GUARD_MS = 60_000;
/** Each test's own bound: the guard, then the clean-up of aborted copies. */
const TEST_MS = 120_000;

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
});

afterAll(async () => {
  closeIdleConnections();
  await emulator.stop();
});

/** A storager on the emulator under `dir`, with `pairs` added. */
function open(dir: string, pairs: string): Storager {
  return newStorager(`${emulator.connectionString(BUCKET, `/${dir}/`)}&credential=hmac:AK:SK&${pairs}`);
}

/** `n` different objects of {@link SIZE} random bytes. */
function sources(n: number): Buffer[] {
  return Array.from({ length: n }, () => randomBytes(SIZE));
}

/**
 * Writes `data[i]` as `src{i}` through `from`, copies them all at once to `dst{i}` through `to`
 * (`to.write(dst, from.createReadStream(src))`) and returns each copy's outcome.
 */
async function copyAll(from: Storager, to: Storager, data: Buffer[]): Promise<string[]> {
  for (const [i, d] of data.entries()) await from.write(`src${i}`, d);
  const signal = AbortSignal.timeout(GUARD_MS);
  return Promise.all(
    data.map((d, i) =>
      to.write(`dst${i}`, from.createReadStream(`src${i}`, { signal }), { size: d.length, signal }).then(
        (r) => `ok ${r.parts ?? 1} parts`,
        (e: unknown) => `failed: ${(e as { code?: string }).code ?? String(e)}`,
      ),
    ),
  );
}

/** The CRC-64 of each `dst{i}` of `to`, read back whole. */
async function storedCrcs(to: Storager, n: number): Promise<string[]> {
  const crcs: string[] = [];
  for (let i = 0; i < n; i++) crcs.push(crc64Decimal(await to.read(`dst${i}`)));
  return crcs;
}

describe("cos: concurrent stream copies within one storager, few connections", () => {
  it.each([1, 2])("2 copies of 16 MiB in 1 MiB parts with max_connections=%i finish with the right bytes", async (connections) => {
    const store = open(randomUUID(), `max_connections=${connections}&${PARTS}`);
    const data = sources(2);
    expect(await copyAll(store, store, data)).toEqual(["ok 16 parts", "ok 16 parts"]);
    expect(await storedCrcs(store, 2)).toEqual(data.map((d) => crc64Decimal(d)));
  }, TEST_MS);

  it("8 copies with max_connections=2 finish with the right bytes", async () => {
    const store = open(randomUUID(), `max_connections=2&${PARTS}`);
    const data = sources(8);
    expect(await copyAll(store, store, data)).toEqual(data.map(() => "ok 16 parts"));
    expect(await storedCrcs(store, 8)).toEqual(data.map((d) => crc64Decimal(d)));
  }, TEST_MS);
});

describe("cos: concurrent stream copies between two storagers sharing their pools", () => {
  it("2 copies with max_connections=1 (one set of pools for both: the same options) finish with the right bytes", async () => {
    // Same options, so the same pools in this process: a CLI copy within one service.
    const dir = randomUUID();
    const from = open(dir, `max_connections=1&${PARTS}`);
    const to = open(dir, `max_connections=1&${PARTS}`);
    const data = sources(2);
    expect(await copyAll(from, to, data)).toEqual(["ok 16 parts", "ok 16 parts"]);
    expect(await storedCrcs(to, 2)).toEqual(data.map((d) => crc64Decimal(d)));
  }, TEST_MS);
});
