import type { HashSlot } from "./hash-slot.js";

/** A buffer sent to workers: its size and the workers that hold a handle on it. */
interface SentBuffer {
  readonly bytes: number;
  /** Weakly: a buffer kept alive for long must not keep the workers it outlived (and their threads' handles). */
  readonly slots: Set<WeakRef<HashSlot>>;
}

/**
 * The shared buffers a hash pool sent to its workers, watched until the calling thread lets go of
 * them (a FinalizationRegistry): from then on only the workers that were sent one keep it alive,
 * until their own garbage collector runs, which their small heaps almost never need. `onDead` is
 * told each such worker and the bytes, so the pool can replace a worker that holds too many.
 */
export class SentBuffers {
  private readonly sent = new WeakMap<SharedArrayBuffer, SentBuffer>();
  private readonly collected: FinalizationRegistry<SentBuffer>;

  constructor(onDead: (slot: HashSlot, bytes: number) => void) {
    this.collected = new FinalizationRegistry<SentBuffer>((gone) => {
      for (const ref of gone.slots) {
        const slot = ref.deref();
        if (slot !== undefined) onDead(slot, gone.bytes);
      }
      gone.slots.clear();
    });
  }

  /** Notes that `slot`'s worker was sent `sab` (once per worker and buffer). @throws nothing. */
  track(sab: SharedArrayBuffer, slot: HashSlot): void {
    if (slot.seen.has(sab)) return;
    slot.seen.add(sab);
    let entry = this.sent.get(sab);
    if (entry === undefined) {
      entry = { bytes: sab.byteLength, slots: new Set() };
      this.sent.set(sab, entry);
      this.collected.register(sab, entry);
    }
    entry.slots.add(new WeakRef(slot));
  }
}
