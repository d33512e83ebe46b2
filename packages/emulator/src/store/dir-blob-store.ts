import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isBlobId } from "./blob-id.js";
import type { BlobRef, BlobStore, SweepResult } from "./blob-store.js";
import { ownEntries } from "./own-dir.js";

/** The suffix of a blob file being written; renamed to the blob's id once whole. */
const TMP = ".tmp";

/**
 * Keeps each blob in its own file under `<dir>` (ids are filename-safe). A blob is written to
 * `<id>.tmp`, then renamed: a write that fails removes its temp file (a partial body must not keep
 * the space a full disk needs back), and {@link removeStale} removes those a crash left.
 */
export class DirBlobStore implements BlobStore {
  private ready: Promise<unknown> | undefined;

  /** @param dir directory for blob files; created on first write */
  constructor(private readonly dir: string) {}

  private path(id: string): string {
    return join(this.dir, id);
  }

  private ensureDir(): Promise<unknown> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    return this.ready;
  }

  /** Writes the temp file of `id` with `write`, then renames it to `id`; the temp file goes when either fails. */
  private async viaTemp(id: string, write: (tmp: string) => Promise<void>): Promise<void> {
    await this.ensureDir();
    const tmp = this.path(id + TMP);
    try {
      await write(tmp);
      await rename(tmp, this.path(id));
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
  }

  async put(id: string, chunks: readonly Buffer[]): Promise<void> {
    await this.viaTemp(id, async (tmp) => {
      const fh = await open(tmp, "w");
      try {
        for (const c of chunks) await fh.write(c);
      } finally {
        await fh.close();
      }
    });
  }

  async concat(id: string, sources: readonly BlobRef[]): Promise<void> {
    async function* all(self: DirBlobStore): AsyncGenerator<Buffer> {
      for (const s of sources) {
        if (s.size === 0) continue;
        for await (const chunk of createReadStream(self.path(s.id))) yield chunk as Buffer;
      }
    }
    await this.viaTemp(id, (tmp) => pipeline(Readable.from(all(this)), createWriteStream(tmp)));
  }

  async append(id: string, chunks: readonly Buffer[], at?: number): Promise<void> {
    await this.ensureDir();
    const fh = await open(this.path(id), "a");
    try {
      // What a failed append left past `at` goes; the writes (O_APPEND) then land at `at`.
      if (at !== undefined) await fh.truncate(at);
      for (const c of chunks) await fh.write(c);
    } finally {
      await fh.close();
    }
  }

  read(id: string, start: number, end: number): Readable {
    if (end <= start) return Readable.from([], { objectMode: false });
    return createReadStream(this.path(id), { start, end: end - 1 });
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }

  /**
   * Removes the temp files of writes a crash cut short (`*.tmp`; call it at start, before any
   * write). A missing directory is no error; one that is a symbolic link is left alone (see
   * {@link removeUnreferenced}).
   */
  async removeStale(): Promise<void> {
    let entries;
    try {
      entries = await ownEntries(this.dir);
    } catch {
      return;
    }
    if (!Array.isArray(entries)) return;
    for (const e of entries) if (e.isFile() && e.name.endsWith(TMP)) await rm(this.path(e.name), { force: true });
  }

  /**
   * Removes the blob files whose id is not in `referenced` (call it at start, before any write,
   * with every id the saved records name) and says how many. Only regular files named as blob ids
   * are looked at (see `isBlobId`): a symbolic link or another name is left, and so is everything
   * when `<dir>` itself is a symbolic link, so that nothing outside the data dir is removed.
   * @throws what listing or removing a file throws (but a missing directory or file)
   */
  async removeUnreferenced(referenced: ReadonlySet<string>): Promise<SweepResult> {
    const entries = await ownEntries(this.dir);
    if (!Array.isArray(entries)) return { skipped: entries.notOwn };
    let removed = 0;
    for (const e of entries) {
      if (!e.isFile() || !isBlobId(e.name) || referenced.has(e.name)) continue;
      try {
        // unlink, not rm: it never follows a link put in the file's place meanwhile.
        await unlink(this.path(e.name));
        removed++;
      } catch (err) {
        if ((err as { code?: unknown }).code !== "ENOENT") throw err;
      }
    }
    return { removed };
  }
}
