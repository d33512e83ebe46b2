import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BlobRef, BlobStore } from "./blob-store.js";

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
   * write). A missing directory is no error.
   */
  async removeStale(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const n of names) if (n.endsWith(TMP)) await rm(this.path(n), { force: true });
  }
}
