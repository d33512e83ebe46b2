import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BlobRef, BlobStore } from "./blob-store.js";

/** Keeps each blob in its own file under `<dir>` (ids are filename-safe). */
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

  async put(id: string, chunks: readonly Buffer[]): Promise<void> {
    await this.ensureDir();
    const tmp = this.path(`${id}.tmp`);
    const fh = await open(tmp, "w");
    try {
      for (const c of chunks) await fh.write(c);
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path(id));
  }

  async concat(id: string, sources: readonly BlobRef[]): Promise<void> {
    await this.ensureDir();
    const tmp = this.path(`${id}.tmp`);
    const out = createWriteStream(tmp);
    async function* all(self: DirBlobStore): AsyncGenerator<Buffer> {
      for (const s of sources) {
        if (s.size === 0) continue;
        for await (const chunk of createReadStream(self.path(s.id))) yield chunk as Buffer;
      }
    }
    await pipeline(Readable.from(all(this)), out);
    await rename(tmp, this.path(id));
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
}
