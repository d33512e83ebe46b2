/** The last holder in line for each file, by `dev:ino`. */
const tails = new Map<string, Promise<void>>();

/**
 * Runs `fn` while holding this process's lock on the file `dev`:`ino`: calls
 * for one file run one after another, in the order they asked; other files are
 * not held up. It serialises the appends of one process (position check, then
 * write), so two appends at one position cannot both succeed. Other processes
 * do not see the lock.
 *
 * @throws whatever `fn` throws.
 */
export async function withFileLock<T>(dev: number | bigint, ino: number | bigint, fn: () => Promise<T>): Promise<T> {
  const key = `${dev}:${ino}`;
  const before = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const tail = before.then(() => held);
  tails.set(key, tail);
  await before;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
