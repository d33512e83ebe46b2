/** When the writes of a {@link CoalescedSaver} may start, and the clock it measures them with. */
export interface SaverTiming {
  /** Least wait, in ms, from a change to the write that saves it (changes within it are saved together). */
  minDelayMs: number;
  /**
   * A write starts no sooner than `spacing` × the last write's duration after that write ended, so
   * writing takes at most 1 / (spacing + 1) of the time however large the state grows.
   */
  spacing: number;
  /** The clock, in ms (tests pass their own); `performance.now` when absent. */
  now?: () => number;
}

/** A caller of {@link CoalescedSaver.flush} waiting for a write that starts after its call. */
interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Saves a changing state with at most one write in flight, never queuing texts: `write` serialises
 * the state as it is when the write starts. Changes made while a write runs only mark the state
 * dirty; the next write, spaced by {@link SaverTiming}, saves them all. Used by the checkpoint,
 * which appends the changes since its last save, and now and then rewrites its whole state
 * (~0.2 KB per finished object): the spacing keeps those rewrites to a small share of the run.
 */
export class CoalescedSaver {
  private dirty = false;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waiters: Waiter[] = [];
  private lastEnd = Number.NEGATIVE_INFINITY;
  private lastDuration = 0;
  private stopped = false;
  private readonly now: () => number;

  /**
   * @param write serialises the state as it is now and stores it; called at most once at a time
   * @param timing how soon writes follow changes and each other
   */
  constructor(
    private readonly write: () => Promise<void>,
    private readonly timing: SaverTiming,
  ) {
    this.now = timing.now ?? (() => performance.now());
  }

  /** Marks the state changed; a write follows within the spacing ({@link SaverTiming}). */
  schedule(): void {
    if (this.stopped) return;
    this.dirty = true;
    this.arm();
  }

  /**
   * Saves the state now: resolves once a write that started after this call has ended (the
   * running one, if any, is waited for first; callers that come meanwhile share one write).
   * @throws whatever `write` throws (the state stays dirty, for the next write)
   */
  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.dirty = true;
    this.disarm();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.running === undefined) this.start();
    return done;
  }

  /** Stops saving: no write starts any more; resolves when the running one, if any, has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.disarm();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
    await this.running?.catch(() => undefined);
  }

  private start(): void {
    if (this.stopped || this.running !== undefined || !this.dirty) return;
    const waiters = this.waiters;
    this.waiters = [];
    this.dirty = false;
    const began = this.now();
    this.running = (async () => {
      try {
        await Promise.resolve(); // `running` is set before anything below can end the write
        await this.write();
        for (const w of waiters) w.resolve();
      } catch (e) {
        this.dirty = true;
        for (const w of waiters) w.reject(e);
        if (waiters.length === 0) throw e;
      } finally {
        this.lastEnd = this.now();
        this.lastDuration = this.lastEnd - began;
        this.running = undefined;
        if (this.waiters.length > 0) this.start();
        else if (this.dirty) this.arm();
      }
    })();
    // A failed scheduled write is not lost: the state stays dirty for the next save.
    this.running.catch(() => undefined);
  }

  private arm(): void {
    if (this.stopped || this.timer !== undefined || this.running !== undefined || this.waiters.length > 0) return;
    const earliest = this.lastEnd + this.timing.spacing * this.lastDuration;
    const delay = Math.max(this.timing.minDelayMs, earliest - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, delay);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
