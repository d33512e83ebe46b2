import { raceAbort } from "../io/abort.js";

/**
 * A source that delivers a part in less than this many milliseconds per MiB
 * (faster than ~600 MiB/s: a part read while one MD5 of it would run alone)
 * keeps being read into the batch; a slower one has its parts hashed as they
 * come, since waiting for the next one would gain nothing.
 */
const BATCH_READ_MS_PER_MIB = 1.6;

/** ...but a part that arrives within this many milliseconds is never "slow" (small parts, timer noise). */
const BATCH_READ_MS_MINIMUM = 10;

/** Parts hashed together at most: one SIMD vector of MD5 lanes (md5-lanes.ts). */
export const MAX_PART_BATCH = 4;

/** What {@link readPartBatch} read. */
export interface PartBatch {
  /** The parts, in order (empty at the end of the source). */
  parts: Buffer[];
  /** True once the source has ended. */
  done: boolean;
}

/**
 * Reads up to `max` parts from `reader`, back to back, so that their hashes
 * are asked for together and share the MD5 lanes of one hashing worker (four
 * parts cost ~40% of the CPU of four hashed one by one). It stops early when
 * the source ends, or when a part took long to arrive (a slow source: nothing
 * to gain by holding the parts already read). `onRead` is told while a read is
 * pending (an abandoned read must not be waited for).
 *
 * @throws whatever the source throws, or `Aborted` when `signal` aborts.
 */
export async function readPartBatch(
  reader: AsyncIterator<Buffer>,
  max: number,
  signal: AbortSignal,
  onRead: (pending: boolean) => void,
): Promise<PartBatch> {
  const parts: Buffer[] = [];
  while (parts.length < Math.max(1, max)) {
    const started = performance.now();
    onRead(true);
    const step = await raceAbort(reader.next(), signal);
    onRead(false);
    if (step.done) return { parts, done: true };
    parts.push(step.value);
    const mib = step.value.length / (1024 * 1024);
    if (performance.now() - started > Math.max(BATCH_READ_MS_MINIMUM, mib * BATCH_READ_MS_PER_MIB)) break;
  }
  return { parts, done: false };
}
