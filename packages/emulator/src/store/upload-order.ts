import type { MetadataSink } from "./metadata-sink.js";
import type { StoredUpload } from "./types.js";

/**
 * Keeps the changes to one multipart upload in order, for requests that look the upload up, then
 * wait for their body, then act:
 * - a Complete claims the upload for as long as it runs; an UploadPart, Abort or second Complete
 *   of that upload waits for it to end ({@link whenFree}), then finds the upload gone (or kept, when
 *   the Complete was refused);
 * - the saved record of an upload is written one change at a time ({@link persist}), each write
 *   saving the upload while it is listed and removing it once it is not, so a slow save never
 *   brings back an upload that was aborted or completed meanwhile.
 */
export class UploadOrder {
  private readonly claims = new Map<StoredUpload, Promise<void>>();
  private readonly writes = new Map<StoredUpload, Promise<void>>();

  constructor(private readonly meta: MetadataSink) {}

  /**
   * Runs `act` once no Complete holds `u`, with no await between that check and `act` (so `act`
   * can look at `u` and change it as one step).
   * @throws what `act` throws
   */
  async whenFree<T>(u: StoredUpload, act: () => T): Promise<T> {
    // Bounded by the Completes of `u` that start meanwhile: each waits for the one before.
    for (let held = this.claims.get(u); held !== undefined; held = this.claims.get(u)) await held;
    return act();
  }

  /**
   * Claims `u` for a Complete (call it from {@link whenFree}'s `act`); the returned function ends the
   * claim and wakes whoever waits for `u`.
   * @throws nothing.
   */
  claim(u: StoredUpload): () => void {
    let release!: () => void;
    this.claims.set(u, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.claims.delete(u);
      release();
    };
  }

  /**
   * Brings the saved record of `u` up to date after the writes queued before: saved when `listed()`
   * says `u` is still listed at the time of the write, removed when not.
   * @throws what the metadata sink throws
   */
  persist(u: StoredUpload, listed: () => boolean): Promise<void> {
    const write = (): Promise<void> => (listed() ? this.meta.saveUpload(u) : this.meta.removeUpload(u));
    const before = this.writes.get(u);
    const done = before === undefined ? write() : before.then(write);
    const tail = done.catch(() => undefined);
    this.writes.set(u, tail);
    void tail.then(() => {
      if (this.writes.get(u) === tail) this.writes.delete(u);
    });
    return done;
  }
}
