/** Most bytes of spare part buffers kept between uploads (64 MiB: eight default 8 MiB parts). */
export const SPARE_BYTES_MAXIMUM = 64 * 1024 * 1024;

/** Spare buffers are let go when none was kept or taken for this long (ms). */
export const SPARE_IDLE_MS = 2000;

/** What {@link spareBufferStats} reports. */
export interface SpareBufferStats {
  /** Spare buffers held now. */
  buffers: number;
  /** Their bytes. */
  bytes: number;
  /** Buffers handed out again instead of allocated. */
  reused: number;
}

const spares = new Map<number, SharedArrayBuffer[]>();
let bytes = 0;
let reused = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * A spare shared-memory buffer of exactly `size` bytes, if one is kept (its old
 * contents are not cleared), else `undefined`.
 *
 * Fresh memory is expensive: the kernel maps and zeroes every page on first
 * touch, ~5 ms of CPU for 8 MiB against ~0.6 ms to refill a used buffer, and
 * dead buffers wait for the garbage collector. Uploads that follow each other
 * (a sync, a CLI copy of many files) therefore hand their part buffers on
 * instead of dropping them.
 *
 * @throws nothing.
 */
export function takeSpare(size: number): SharedArrayBuffer | undefined {
  const list = spares.get(size);
  const sab = list?.pop();
  if (sab === undefined) return undefined;
  if (list!.length === 0) spares.delete(size);
  bytes -= size;
  reused++;
  touch();
  return sab;
}

/**
 * Keeps `sab`, which nothing uses any more, for a later {@link takeSpare}, while
 * the spares stay within {@link SPARE_BYTES_MAXIMUM} (else it is left to the
 * garbage collector). All spares are let go after {@link SPARE_IDLE_MS} without
 * use; the timer never holds the process open.
 *
 * @throws nothing.
 */
export function keepSpare(sab: SharedArrayBuffer): void {
  const size = sab.byteLength;
  if (size === 0 || bytes + size > SPARE_BYTES_MAXIMUM) return;
  const list = spares.get(size);
  if (list === undefined) spares.set(size, [sab]);
  else list.push(sab);
  bytes += size;
  touch();
}

/** Lets every spare buffer go now. @throws nothing. */
export function dropSpares(): void {
  spares.clear();
  bytes = 0;
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
}

/** The spares held now, and how many were reused so far (a copy). @throws nothing. */
export function spareBufferStats(): SpareBufferStats {
  let buffers = 0;
  for (const list of spares.values()) buffers += list.length;
  return { buffers, bytes, reused };
}

/** Restarts the idle timer while spares are held. */
function touch(): void {
  if (bytes === 0) {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    return;
  }
  if (timer === undefined) {
    timer = setTimeout(dropSpares, SPARE_IDLE_MS);
    timer.unref?.();
  } else {
    timer.refresh();
  }
}
