import { raceAbort } from "@stowage/core";

/** The last holder in line for each file, by `dev:ino`. */
const tails = new Map<string, Promise<void>>();

/**
 * Runs `fn` while holding this process's lock on the file `dev`:`ino`: calls
 * for one file run one after another, in the order they asked; other files are
 * not held up. It serialises the appends of one process (position check, then
 * write), so two appends at one position cannot both succeed, and only one of
 * them at a time waits for the file's lock between processes (append-lock.ts).
 * Other processes do not see it. A call whose `signal` aborts while it waits
 * in line leaves the line at once (those behind it still wait their turn).
 *
 * @throws StorageError `Aborted` (while waiting; `fn` not run); whatever `fn` throws.
 */
export async function withFileLock<T>(dev: number | bigint, ino: number | bigint, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const key = `${dev}:${ino}`;
  const before = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const tail = before.then(() => held);
  tails.set(key, tail);
  const done = (): void => {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  };
  try {
    await raceAbort(before, signal);
  } catch (e) {
    // Leaving the line: the next in line still waits for the one ahead of this call.
    void before.then(done);
    throw e;
  }
  try {
    return await fn();
  } finally {
    done();
  }
}
