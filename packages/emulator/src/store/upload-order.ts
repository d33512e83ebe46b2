import type { StoredUpload } from "./types.js";

/**
 * Keeps the changes to one multipart upload in order, for requests that look the upload up, then
 * wait for their body, then act. A change claims the upload for as long as it runs: a Complete
 * while it assembles and installs the object, an UploadPart while it saves the upload's record with
 * its part, an Abort while it removes the record. Another change of that upload waits for it to end
 * ({@link whenFree}), then finds the upload gone (or kept, when the change failed or was refused).
 * So a change can save the upload's record first and show the change in memory only once saved,
 * with no other change of the upload in between: a save that fails changes nothing.
 */
export class UploadOrder {
  private readonly claims = new Map<StoredUpload, Promise<void>>();

  /**
   * Runs `act` once no change holds `u`, with no await between that check and `act` (so `act`
   * can look at `u` and claim it as one step).
   * @throws what `act` throws
   */
  async whenFree<T>(u: StoredUpload, act: () => T): Promise<T> {
    // Bounded by the changes of `u` that start meanwhile: each waits for the one before.
    for (let held = this.claims.get(u); held !== undefined; held = this.claims.get(u)) await held;
    return act();
  }

  /**
   * Claims `u` for a change (call it from {@link whenFree}'s `act`); the returned function ends the
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
   * Runs `change` while it holds `u` (once the changes before it ended), after `check` passes at
   * the moment the claim is taken.
   * @throws what `check` or `change` throws
   */
  async exclusive<T>(u: StoredUpload, check: () => void, change: () => Promise<T>): Promise<T> {
    const release = await this.whenFree(u, () => {
      check();
      return this.claim(u);
    });
    try {
      return await change();
    } finally {
      release();
    }
  }
}
