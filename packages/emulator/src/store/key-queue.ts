/** One object key of one bucket. */
export interface KeyRef {
  bucket: string;
  key: string;
}

/**
 * The changes to an object key, one at a time: a change (an install, an append, a delete, a move,
 * a restore's record) runs once those queued before it on its key are done. So a change can check
 * the key, save its record and only then show it in memory, with no other change of the key in
 * between (a check such as a forbid-overwrite guard holds until the object is shown), and an
 * append checks its position against the length the previous one left and writes its bytes after
 * that one's (never interleaved with them, in a blob store that does real I/O).
 */
export class KeyQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `work` once the changes queued before it on any of `keys` have settled (each one
   * succeeded or failed), and answers what it answers. A change of two keys (a move) queues on both
   * at once, so two of them never wait for each other. `work` must not queue on its own keys.
   * @throws what `work` throws
   */
  run<T>(keys: readonly KeyRef[], work: () => Promise<T>): Promise<T> {
    const slots = [...new Set(keys.map(slotOf))];
    const before = slots.flatMap((s) => this.tails.get(s) ?? []);
    const result = (before.length === 0 ? Promise.resolve() : Promise.all(before)).then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    for (const s of slots) this.tails.set(s, tail);
    void tail.then(() => {
      for (const s of slots) if (this.tails.get(s) === tail) this.tails.delete(s);
    });
    return result;
  }
}

/** One key of one bucket (a bucket name never holds a NUL). */
function slotOf(k: KeyRef): string {
  return `${k.bucket}\u0000${k.key}`;
}
