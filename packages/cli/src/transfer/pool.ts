/**
 * Runs at most `limit` tasks at once; the rest wait in order. Used for the
 * small-object and large-object lanes of a transfer.
 */
export class Limiter {
  private active = 0;
  /**
   * Tasks waiting for a slot, oldest at `head`: taken by index, not `shift()`, which moves the whole
   * array each time (a tree copy queues every object at once: quadratic).
   */
  private waiting: Array<(() => void) | undefined> = [];
  private head = 0;

  constructor(readonly limit: number) {}

  /** Runs `task` when a slot is free and resolves with its result. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.next()?.();
    }
  }

  /** Takes the oldest waiting task, if any; drops the taken ones once they are half the array. */
  private next(): (() => void) | undefined {
    if (this.head >= this.waiting.length) return undefined;
    const wake = this.waiting[this.head];
    this.waiting[this.head++] = undefined;
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return wake;
  }
}

/** `items.map(fn)` with at most `limit` calls in flight, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
