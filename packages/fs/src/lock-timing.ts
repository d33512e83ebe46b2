/** How long appends wait for a lock, when a lock counts as stale, how often a holder refreshes its own (ms). */
export interface LockTiming {
  /** How long to wait for a lock another process holds before giving up (`Conflict`). */
  waitMs: number;
  /** A lock not refreshed for longer than this is stale (lock-owner.ts staleness). */
  staleMs: number;
  /** How often a holder refreshes its lock's mtime. */
  refreshMs: number;
}

/** The timing appends use (append-lock.ts): wait up to 10 s; stale after 30 s without a refresh; refreshed every 5 s. */
export const APPEND_LOCK_TIMING: Readonly<LockTiming> = { waitMs: 10_000, staleMs: 30_000, refreshMs: 5_000 };
