import { randomBytes } from "node:crypto";
import type { Entry, LeftOut } from "./list-walk.js";

// A listing's walk kept from one page to the next (lister.ts): a page that has more to come keeps
// its walk, positioned after the page's last key, under an id the page's token carries; the next
// page, given that token, goes on with it instead of reading and sorting again every directory that
// holds the token. Without it (a token of another process, a cursor dropped) a page starts a walk
// from its token as every page did before: the same keys, at the cost of reading those directories.

/** A listing's walk, between two pages. */
export interface ListCursor {
  /** Carried by the page's token (after a NUL: no key holds one). */
  readonly id: string;
  /** The listing's prefix and delimiter: a cursor goes on only with the listing it was made for. */
  readonly prefix: string;
  readonly delimiter: "/" | undefined;
  /** The walk, in key order. */
  readonly source: AsyncGenerator<Entry>;
  /** The entry the walk gave past the last page's end (it told there were more): the next page's first. */
  pending: Entry | undefined;
  /** Directories read that left entries out, not reported yet (lister.ts reportLeftOut); the walk adds to it. */
  readonly leftOut: LeftOut[];
  /** The last key of the page before: the next page's token says it. */
  last: string;
  /** Pages served so far (directories read during a page are looked at again only by later pages: list-walk.ts DirRead). */
  page: number;
  /** When it was last kept (ms). */
  keptAt: number;
}

/** Cursors kept at once per storager; the least recently kept beyond it are dropped. */
export const KEPT_CURSORS = 16;

/** A cursor not asked for again within this long (ms) is dropped (its listing abandoned, or paused that long). */
export const CURSOR_IDLE_MS = 10 * 60 * 1000;

/** A new cursor id: 16 random hex digits. @throws nothing. */
export function newCursorId(): string {
  return randomBytes(8).toString("hex");
}

/** The token of a page whose last key is `last`, continued by cursor `id`. @throws nothing. */
export function cursorToken(last: string, id: string): string {
  return `${last}\u0000${id}`;
}

/** The key a token continues after, and the cursor id it carries (none in a bare key: a token of an earlier version). @throws nothing. */
export function parseToken(token: string): { after: string; id: string | undefined } {
  const at = token.lastIndexOf("\u0000");
  return at < 0 ? { after: token, id: undefined } : { after: token.slice(0, at), id: token.slice(at + 1) };
}

/**
 * The cursors of one storager's listings (see above). Memory: each holds the sorted entries of the
 * directories its walk is in (one per level), so at most {@link KEPT_CURSORS} listings' worth; a
 * cursor is dropped once used (its page keeps a new state) and when idle for {@link CURSOR_IDLE_MS}
 * (looked for whenever a page is asked: no timer keeps a process alive).
 */
export class ListCursors {
  /** In the order kept: the first is the least recently kept. */
  private readonly kept = new Map<string, ListCursor>();

  /**
   * Takes the cursor `id` when it continues the listing of `prefix` and `delimiter` after the key
   * `after` (a page asked again with an older token finds it elsewhere: left kept, and that page
   * is walked afresh). Undefined when there is none such.
   * @throws nothing.
   */
  take(id: string, prefix: string, delimiter: "/" | undefined, after: string, now = Date.now()): ListCursor | undefined {
    this.sweep(now);
    const cursor = this.kept.get(id);
    if (cursor === undefined || cursor.prefix !== prefix || cursor.delimiter !== delimiter || cursor.last !== after) return undefined;
    this.kept.delete(id);
    return cursor;
  }

  /** Keeps `cursor` (its `last` set to the page's last key) for the next page. @throws nothing. */
  keep(cursor: ListCursor, now = Date.now()): void {
    cursor.keptAt = now;
    this.kept.delete(cursor.id);
    this.kept.set(cursor.id, cursor);
    for (const [id, old] of this.kept) {
      if (this.kept.size <= KEPT_CURSORS) break;
      this.drop(id, old);
    }
  }

  /** How many cursors are kept. @throws nothing. */
  get size(): number {
    return this.kept.size;
  }

  /** Drops cursors idle for longer than {@link CURSOR_IDLE_MS}. */
  private sweep(now: number): void {
    for (const [id, cursor] of this.kept) if (now - cursor.keptAt > CURSOR_IDLE_MS) this.drop(id, cursor);
  }

  private drop(id: string, cursor: ListCursor): void {
    this.kept.delete(id);
    // Ends the suspended walk (it holds no descriptor: each directory is closed once read).
    void cursor.source.return(undefined).catch(() => undefined);
  }
}
