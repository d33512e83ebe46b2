import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { storageError, type Progress } from "@stowage/core";
import { copyInside } from "../src/relocate.js";
import { expectCode, tree } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

/** 64 MiB: many copy chunks. */
const LARGE = 64 * 1024 * 1024;

/** `size` bytes of a repeating random 1 MiB block (quick to make, never all one byte). */
function largeData(size: number): Buffer {
  const block = randomBytes(1024 * 1024);
  const data = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += block.length) block.copy(data, at);
  return data;
}

describe("fs driver: copy is abortable and reports progress", () => {
  it("an abort during a 64 MiB copy stops it part-way with Aborted; no destination, no temp file", async () => {
    await writeFile(join(s.root, "src"), largeData(LARGE));
    const controller = new AbortController();
    const events: Progress[] = [];
    const onProgress = (p: Progress): void => {
      events.push(p);
      controller.abort();
    };
    await expectCode(s.driver.copy(s.key("src"), s.key("dst"), { signal: controller.signal, onProgress }), "Aborted");
    // The copy got going (a chunk reported) and stopped before its end.
    expect(events.length).toBe(1);
    expect(events[0]!.bytes).toBeLessThan(LARGE);
    expect(await tree(s.root)).toEqual(["src"]);
  });

  it("an aborted copy over an existing file leaves its old bytes", async () => {
    await writeFile(join(s.root, "src"), largeData(LARGE));
    await writeFile(join(s.root, "dst"), "old bytes");
    const controller = new AbortController();
    await expectCode(s.driver.copy(s.key("src"), s.key("dst"), { signal: controller.signal, onProgress: () => controller.abort() }), "Aborted");
    expect(await readFile(join(s.root, "dst"), "utf8")).toBe("old bytes");
    expect(await tree(s.root)).toEqual(["dst", "src"]);
  });

  it("reports { bytes, total } per chunk, ending with { bytes: size, total: size }, and copies byte-exact", async () => {
    const data = largeData(LARGE + 12_345);
    await writeFile(join(s.root, "src"), data);
    const events: Progress[] = [];
    await s.driver.copy(s.key("src"), s.key("dst"), { onProgress: (p: Progress) => void events.push(p) });
    expect(events.length).toBeGreaterThan(1);
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytes).toBeGreaterThan(events[i - 1]!.bytes);
    expect(events.every((e) => e.total === data.length)).toBe(true);
    expect(events[events.length - 1]).toEqual({ bytes: data.length, total: data.length });
    expect((await readFile(join(s.root, "dst"))).equals(data)).toBe(true);
    expect(await tree(s.root)).toEqual(["dst", "src"]);
  });

  it("keeps the source's permission bits, as the kernel copy did", async () => {
    await writeFile(join(s.root, "src"), "some bytes");
    await chmod(join(s.root, "src"), 0o640);
    await s.driver.copy(s.key("src"), s.key("dst"), {});
    expect((await stat(join(s.root, "dst"))).mode & 0o777).toBe(0o640);
  });

  it("takes the umask away from the source's bits, as cp without -p does: a copy is never more open than a new file", async () => {
    await writeFile(join(s.root, "shared"), "some bytes");
    await chmod(join(s.root, "shared"), 0o666);
    await writeFile(join(s.root, "script"), "#!/bin/sh");
    await chmod(join(s.root, "script"), 0o777);
    const old = process.umask(0o077);
    try {
      await s.driver.copy(s.key("shared"), s.key("shared-copy"), {});
      await s.driver.copy(s.key("script"), s.key("script-copy"), {});
      await s.driver.write(s.key("written"), { data: Buffer.from("x"), size: 1 }, {});
    } finally {
      process.umask(old);
    }
    const mode = async (name: string): Promise<number> => (await stat(join(s.root, name))).mode & 0o777;
    expect([await mode("shared-copy"), await mode("script-copy"), await mode("written")]).toEqual([0o600, 0o700, 0o600]);
  });

  it("keeps the source's bits exactly for a move across filesystems (keepMode), as mv does, whatever the umask", async () => {
    // rename(2) keeps a file's mode; a move that falls back to copy + unlink (EXDEV) must too.
    await writeFile(join(s.root, "shared"), "some bytes");
    await chmod(join(s.root, "shared"), 0o664);
    const old = process.umask(0o077);
    try {
      await copyInside(s.driver.paths, join(s.root, "shared"), join(s.root, "moved"), {}, false, true);
      await copyInside(s.driver.paths, join(s.root, "shared"), join(s.root, "copied"), {}, false, false);
    } finally {
      process.umask(old);
    }
    const mode = async (name: string): Promise<number> => (await stat(join(s.root, name))).mode & 0o777;
    expect([await mode("moved"), await mode("copied")]).toEqual([0o664, 0o600]);
  });

  it("a listener that throws fails the copy with its error: the old destination stays, no temp file", async () => {
    await writeFile(join(s.root, "src"), largeData(LARGE));
    await writeFile(join(s.root, "dst"), "old bytes");
    const stop = storageError("Conflict", "stop");
    await expect(s.driver.copy(s.key("src"), s.key("dst"), { onProgress: () => { throw stop; } })).rejects.toBe(stop);
    expect(await readFile(join(s.root, "dst"), "utf8")).toBe("old bytes");
    expect(await tree(s.root)).toEqual(["dst", "src"]);
  });
});

describe("fs driver: move and fetch report progress", () => {
  it("move reports the size once, before the rename: a listener that throws leaves both names as they were", async () => {
    await writeFile(join(s.root, "src"), "twelve bytes");
    const events: Progress[] = [];
    await s.driver.move(s.key("src"), s.key("dst"), { onProgress: (p: Progress) => void events.push(p) });
    expect(events).toEqual([{ bytes: 12, total: 12 }]);
    const stop = storageError("Conflict", "stop");
    await expect(s.driver.move(s.key("dst"), s.key("again"), { onProgress: () => { throw stop; } })).rejects.toBe(stop);
    expect(await tree(s.root)).toEqual(["dst"]);
  });

  it("an abort during the move's size event stops it with Aborted: both names as they were", async () => {
    await writeFile(join(s.root, "src"), "twelve bytes");
    const controller = new AbortController();
    const events: Progress[] = [];
    const onProgress = (p: Progress): void => {
      events.push(p);
      controller.abort();
    };
    await expectCode(s.driver.move(s.key("src"), s.key("dst"), { signal: controller.signal, onProgress }), "Aborted");
    expect(events).toEqual([{ bytes: 12, total: 12 }]);
    expect(await tree(s.root)).toEqual(["src"]);
    expect(await readFile(join(s.root, "src"), "utf8")).toBe("twelve bytes");
  });

  describe("fetch", () => {
    let server: Server;
    let base: string;
    const body = randomBytes(3 * 1024 * 1024 + 5);
    beforeEach(async () => {
      server = createServer((req, res) => {
        const chunked = req.url === "/chunked";
        res.writeHead(200, chunked ? {} : { "content-length": String(body.length) });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("reports bytes as they arrive (total: the Content-Length), then { bytes: size, total: size }", async () => {
      const events: Progress[] = [];
      await s.driver.fetch(s.key("f"), `${base}/sized`, { onProgress: (p: Progress) => void events.push(p) });
      expect(events.length).toBeGreaterThan(1);
      expect(events.every((e) => e.total === body.length && e.bytes <= body.length)).toBe(true);
      expect(events[events.length - 1]).toEqual({ bytes: body.length, total: body.length });
      expect((await readFile(join(s.root, "f"))).equals(body)).toBe(true);
    });

    it("without a Content-Length: bytes only, then the size as total", async () => {
      const events: Progress[] = [];
      await s.driver.fetch(s.key("f"), `${base}/chunked`, { onProgress: (p: Progress) => void events.push(p) });
      expect(events.slice(0, -1).every((e) => e.total === undefined)).toBe(true);
      expect(events[events.length - 1]).toEqual({ bytes: body.length, total: body.length });
    });

    it("a listener that throws fails the fetch with its error and leaves no file, no temp file", async () => {
      const stop = storageError("Conflict", "stop");
      await expect(s.driver.fetch(s.key("f"), `${base}/sized`, { onProgress: () => { throw stop; } })).rejects.toBe(stop);
      expect(await tree(s.root)).toEqual([]);
    });
  });
});
