import { lstatSync, readdirSync } from "node:fs";
import { chmod, chown, link, lstat, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import type { DriverBody } from "@stowage/core";
import { buf } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// The bytes that are to replace a file are never open to more than the file they replace while
// they are written: an overwrite's temp file (`.stowage-tmp-…`, in the target's directory, where
// anyone who may read the directory can open it, and keep reading through that descriptor after
// any later chmod) is made 0600 and given the old file's mode and owner only once written, through
// its own descriptor, never by its name: a file another user swaps in under that name is left as
// it is. A multipart upload's staging directory is made 0700 and its files 0600. A new file (nothing
// replaced) is made as before: 0666 less the umask. The modes are looked at while the body is
// being written (between two of its chunks, or in a progress event).

let s: Sandbox;
let umask: number;
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-length": "14" });
    // Two chunks: the first is in the temp file (and reported) before the second arrives.
    res.write("fetched ");
    setImmediate(() => res.end("secret"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  s = await sandbox();
  umask = process.umask(0o022);
});
afterEach(async () => {
  process.umask(umask);
  await s.cleanup();
});

const modeOf = async (path: string): Promise<number> => (await lstat(path)).mode & 0o7777;

/** The permission bits of the temp files (`.stowage-tmp-…`) in `dir` now (synchronously: a progress event's moment). */
function tempModes(dir: string): number[] {
  const names = readdirSync(dir).filter((n) => n.startsWith(".stowage-tmp-"));
  return names.map((n) => lstatSync(join(dir, n)).mode & 0o7777);
}

/** A streamed body of `chunks`; `between` runs after the first chunk was taken, before the second is given. */
function pausingBody(chunks: string[], between: () => Promise<void>): DriverBody {
  const size = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
  async function* pieces(): AsyncGenerator<Buffer> {
    for (const [i, chunk] of chunks.entries()) {
      if (i === 1) await between();
      yield Buffer.from(chunk);
    }
  }
  return { data: Readable.from(pieces()), size };
}

/** A file `name` in the store holding `text`, with permission bits `mode`. */
async function file(name: string, text: string, mode: number): Promise<string> {
  const path = join(s.root, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

describe("fs: an overwrite's new bytes are 0600 until they replace the file", () => {
  it("a streamed write over a 0600 file: its temp file is 0600 while written; the file ends 0600", async () => {
    await file("secret", "old secret", 0o600);
    const seen: number[][] = [];
    await s.driver.write(s.key("secret"), pausingBody(["new ", "secret"], async () => void seen.push(tempModes(s.root))), {});
    expect(seen).toEqual([[0o600]]);
    expect(await modeOf(join(s.root, "secret"))).toBe(0o600);
    expect(await readFile(join(s.root, "secret"), "utf8")).toBe("new secret");
  });

  it("a write over a 0644 file is 0600 while written and 0644 once in place; a new file is 0666 less the umask throughout", async () => {
    await file("open", "old", 0o644);
    const seen: number[][] = [];
    await s.driver.write(s.key("open"), pausingBody(["new ", "text"], async () => void seen.push(tempModes(s.root))), {});
    await s.driver.write(s.key("fresh"), pausingBody(["new ", "file"], async () => void seen.push(tempModes(s.root))), {});
    expect(seen).toEqual([[0o600], [0o644]]);
    expect([await modeOf(join(s.root, "open")), await modeOf(join(s.root, "fresh"))]).toEqual([0o644, 0o644]);
  });

  it("copy onto a 0600 file and fetch over one: the temp file is 0600 in every progress event", async () => {
    await file("src", "source bytes", 0o644);
    await file("dst", "old secret", 0o600);
    await file("fetched", "old secret", 0o600);
    const copying: number[][] = [];
    await s.driver.copy(s.key("src"), s.key("dst"), { onProgress: () => void copying.push(tempModes(s.root)) });
    const fetching: number[][] = [];
    await s.driver.fetch!(s.key("fetched"), `${base}/x`, { onProgress: () => void fetching.push(tempModes(s.root)) });
    expect(copying.length).toBeGreaterThan(0);
    expect(copying).toEqual(copying.map(() => [0o600]));
    expect(fetching.length).toBeGreaterThan(0);
    expect(fetching).toEqual(fetching.map(() => [0o600]));
    expect([await modeOf(join(s.root, "dst")), await modeOf(join(s.root, "fetched"))]).toEqual([0o600, 0o600]);
    expect(await readFile(join(s.root, "fetched"), "utf8")).toBe("fetched secret");
  });

  it("a multipart upload stages in a 0700 directory, in 0600 files: record, part while written, part and its record", async () => {
    await file("big", "old secret", 0o600);
    const { multipartId } = await s.driver.createMultipart!(s.key("big"), {});
    const upload = join(s.root, ".stowage-multipart", multipartId);
    const seen: number[][] = [];
    const part0 = await s.driver.writePart!(s.key("big"), multipartId, 0, pausingBody(["new ", "secret "], async () => void seen.push(tempModes(upload))), {});
    const part1 = await s.driver.writePart!(s.key("big"), multipartId, 1, buf("parts"), {});
    expect(seen).toEqual([[0o600]]);
    expect(await modeOf(upload)).toBe(0o700);
    const entries = (await readdir(upload)).sort();
    expect(entries).toEqual(["part-0", "part-1", "part-1.crc64.json", "upload.json"]);
    expect(await Promise.all(entries.map((n) => modeOf(join(upload, n))))).toEqual([0o600, 0o600, 0o600, 0o600]);
    await s.driver.completeMultipart!(s.key("big"), multipartId, [part0, part1], {});
    expect(await modeOf(join(s.root, "big"))).toBe(0o600);
    expect(await readFile(join(s.root, "big"), "utf8")).toBe("new secret parts");
  });
});

describe("fs: an overwrite gives mode and owner through the new file's descriptor, never its name", () => {
  it("a hard link swapped in under the temp name (here, of a file outside the work_dir) keeps its mode and owner", async () => {
    const root = process.getuid!() === 0;
    const mine = await file("mine", "mine", 0o604);
    // Root may give the file away: the overwrite then gives the new file to its owner (uid 65534).
    if (root) await chown(mine, 65534, 65534);
    const outside = join(s.outside, "theirs");
    await writeFile(outside, "OUTSIDE");
    await chmod(outside, 0o600);
    const before = await stat(outside);
    const swap = async (): Promise<void> => {
      const [temp] = (await readdir(s.root)).filter((n) => n.startsWith(".stowage-tmp-"));
      // Another user who may rename in the directory puts a hard link of another file under the temp's name.
      await link(outside, join(s.root, "swapped"));
      await rename(join(s.root, "swapped"), join(s.root, temp!));
    };
    await s.driver.write(s.key("mine"), pausingBody(["new ", "bytes"], swap), {});
    const after = await stat(outside);
    expect([after.mode & 0o7777, after.uid, after.gid]).toEqual([0o600, before.uid, before.gid]);
    expect(await readFile(outside, "utf8")).toBe("OUTSIDE");
  });
});
