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

/**
 * Calls `fn` on each item of `items` as the iterable yields it, at most `limit` calls at once, so
 * that a listing is worked through as it is read instead of being held whole. The first error (of
 * `fn`, or of the iterable) stops the pulling; it is thrown once the calls in flight settled, and
 * the iterable is closed.
 * @throws the first error of `fn` or of `items`
 */
export async function forEachLimit<T>(items: AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const it = items[Symbol.asyncIterator]();
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      let step: IteratorResult<T>;
      try {
        // Concurrent next() calls on an async generator are queued: each item goes to one worker.
        step = await it.next();
      } catch (e) {
        failure ??= { error: e };
        return;
      }
      if (step.done === true) return;
      try {
        await fn(step.value);
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (failure !== undefined) {
    await it.return?.().catch(() => undefined);
    throw failure.error;
  }
}
