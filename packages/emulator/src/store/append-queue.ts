/**
 * Appends in flight, one queue per object key: an append runs once those queued before it on its
 * key are done, so it checks its position against the length the previous one left and writes its
 * bytes after that one's (never interleaved with them, in a blob store that does real I/O). What
 * replaces or removes an object first waits for the appends to its key ({@link AppendQueue.whenIdle}).
 */
export class AppendQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `work` once the appends queued before it on `bucket`/`key` have settled (each one
   * succeeded or failed), and answers what it answers.
   * @throws what `work` throws
   */
  run<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const slot = slotOf(bucket, key);
    const before = this.tails.get(slot) ?? Promise.resolve();
    const result = before.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(slot, tail);
    void tail.then(() => {
      if (this.tails.get(slot) === tail) this.tails.delete(slot);
    });
    return result;
  }

  /**
   * Runs `step` once no append to `bucket`/`key` is queued or running (at once, in this call, when
   * none is), with no turn of the event loop between that check and `step`: what `step` does
   * synchronously sees every earlier append's result, and an append queued later sees what it did.
   * @throws what `step` throws
   */
  async whenIdle<T>(bucket: string, key: string, step: () => T | Promise<T>): Promise<T> {
    const slot = slotOf(bucket, key);
    for (let tail = this.tails.get(slot); tail !== undefined; tail = this.tails.get(slot)) await tail;
    return step();
  }
}

/** One key of one bucket (a bucket name never holds a NUL). */
function slotOf(bucket: string, key: string): string {
  return `${bucket}\u0000${key}`;
}
