/**
 * A local file rewritten while `cp`, `sync` or `mv` reads it (review-concurrency M5): the copy
 * fails with Conflict (exit 12) before it replaces anything — before the single PUT, before the
 * multipart Complete (the upload aborted, none left, no checkpoint kept), before the fs driver's
 * rename, and between two local directories before the file system's copy is renamed into place —
 * so the destination keeps its previous object, and a re-run copies the new version.
 */
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readlinkSync, statSync, utimesSync, writeSync } from "node:fs";
import { appendFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { pipeline, Transform, type Readable } from "node:stream";
import { newStorager, type CopyOptions, type Progress, type Storager } from "@stowage/core";
import { bytes } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const MiB = 1024 * 1024;
const BUCKET = "source-changes-1250000000";
/** The prototype every storager shares (to hook its reads and copies). */
const proto = Object.getPrototypeOf(newStorager("memory://source-changes-probe/")) as Storager;
const ws = useWorkspace({ stateDir: true });
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const run = inProcess(ws);

afterEach(() => {
  jest.restoreAllMocks();
});

/** `path` in the bucket, as a connection string. */
const cos = (path: string): string => keyLocation(emu.emulator, BUCKET, path);

/** Rewrites `file` in place with `data` (same size) and moves its time on, as an editor saving over it would. */
function rewrite(file: string, data: Buffer): void {
  const fd = openSync(file, "r+");
  try {
    writeSync(fd, data, 0, data.length, 0);
  } finally {
    closeSync(fd);
  }
  const later = new Date(Date.now() + 10_000);
  utimesSync(file, later, later);
}

/** Local reads of `name` rewrite the file with `data` once their first chunk passed: the rest of the read is the new version. */
function rewriteDuringRead(name: string, file: string, data: Buffer): void {
  const createReadStream = proto.createReadStream;
  jest.spyOn(proto, "createReadStream").mockImplementation(function (this: Storager, ...args: Parameters<Storager["createReadStream"]>) {
    const inner = createReadStream.apply(this, args) as Readable;
    if (this.info.service !== "fs" || !args[0].endsWith(name)) return inner;
    let first = true;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (first) rewrite(file, data);
        first = false;
        done(null, chunk);
      },
    });
    return pipeline(inner, tap, () => undefined) as unknown as ReturnType<Storager["createReadStream"]>;
  });
}

async function uploadsLeft(): Promise<string[]> {
  const store = newStorager(cos(""));
  const left: string[] = [];
  for await (const o of store.list("", { mode: "part" })) left.push(o.path);
  return left;
}

async function checkpointsLeft(): Promise<string[]> {
  return readdir(join(ws.work, "state", "checkpoints")).catch(() => []);
}

describe("a local file rewritten while it is read: the destination keeps its previous object", () => {
  const SIZE = 3 * MiB;
  const v1 = bytes(SIZE, 1);
  const v2 = bytes(SIZE, 2);
  const previous = bytes(SIZE, 3);

  it.each([
    ["in parts to COS", "cos", ["--large-threshold", "1MiB", "--part-size", "1MiB"]],
    ["in one PUT to COS", "cos", ["--large-threshold", "64MiB"]],
    ["in parts to fs", "fs", ["--no-server-side", "--large-threshold", "1MiB", "--part-size", "1MiB"]],
    ["in one write to fs", "fs", ["--no-server-side", "--large-threshold", "64MiB"]],
  ])("cp %s: Conflict (exit 12), nothing stored, no upload or checkpoint left; a re-run copies the new version", async (label, kind, flags) => {
    const name = label.replace(/ /g, "-");
    const dir = join(ws.work, `src-${name}`);
    const file = join(dir, "f.bin");
    await mkdir(dir, { recursive: true });
    await writeFile(file, v1);
    const out = join(ws.work, `dst-${name}`);
    const dst = kind === "cos" ? cos(`${name}/f.bin`) : join(out, "f.bin");
    const read = async (): Promise<Buffer> => (kind === "cos" ? newStorager(cos("")).read(`${name}/f.bin`) : readFile(join(out, "f.bin")));
    if (kind === "cos") {
      await newStorager(cos("")).write(`${name}/f.bin`, previous);
    } else {
      await mkdir(out, { recursive: true });
      await writeFile(join(out, "f.bin"), previous);
    }

    rewriteDuringRead("f.bin", file, v2);
    const r = await run(["cp", file, dst, ...flags]);
    expect(r.code).toBe(12);
    expect((await read()).equals(previous)).toBe(true);
    expect(r.stderr).toContain("Conflict: the source changed while it was copied");
    expect(r.stderr).toContain("the copy was not stored, the destination keeps what it held");
    if (kind === "cos") expect(await uploadsLeft()).toEqual([]);
    expect(await checkpointsLeft()).toEqual([]);
    jest.restoreAllMocks();

    const again = await run(["cp", file, dst, ...flags]);
    expect(again.code).toBe(0);
    expect((await read()).equals(v2)).toBe(true);
  });

  it("mv in parts to COS: Conflict, the source kept, the destination keeps its previous object", async () => {
    const dir = join(ws.work, "mv-src");
    await mkdir(dir, { recursive: true });
    const file = join(dir, "m.bin");
    await writeFile(file, v1);
    await newStorager(cos("")).write("mv/m.bin", previous);
    rewriteDuringRead("m.bin", file, v2);
    const r = await run(["mv", file, cos("mv/m.bin"), "--large-threshold", "1MiB", "--part-size", "1MiB"]);
    expect(r.code).toBe(12);
    expect((await readFile(file)).equals(v2)).toBe(true);
    expect((await newStorager(cos("")).read("mv/m.bin")).equals(previous)).toBe(true);
    expect(r.stderr).toContain("the source is kept and the destination keeps what it held");
    expect(await uploadsLeft()).toEqual([]);
  });

  it("cp between two local directories (the file system's copy): the edit fails the copy before its rename", async () => {
    const size = 9 * MiB; // the fs driver copies 4 MiB at a time: the edit lands after the first chunk
    const base = join(ws.work, "local-local");
    await mkdir(join(base, "src"), { recursive: true });
    await mkdir(join(base, "dst"), { recursive: true });
    const file = join(base, "src/big.bin");
    await writeFile(file, bytes(size, 4));
    const old = bytes(size, 5);
    await writeFile(join(base, "dst/big.bin"), old);
    const copy = proto.copy;
    jest.spyOn(proto, "copy").mockImplementation(async function (this: Storager, from: string, to: string, options?: CopyOptions) {
      const listener = options?.onProgress;
      let first = true;
      const onProgress = (p: Progress): void => {
        if (first && this.info.service === "fs") rewrite(file, bytes(size, 6));
        first = false;
        listener?.(p);
      };
      return copy.call(this, from, to, { ...options, onProgress });
    });
    const r = await run(["cp", "-r", "--stats-json", join(base, "src/"), join(base, "dst/")]);
    expect(r.code).toBe(12);
    expect((await readFile(join(base, "dst/big.bin"))).equals(old)).toBe(true);
    expect(r.stderr).toContain("the copy was not stored, the destination keeps what it held");
    expect(JSON.parse(r.stdout.trim()) as unknown).toMatchObject({ objects: { copied: 0, failed: 1 } });
  });

  it("cp between two local directories of a file a killed append left a torn tail on: the committed bytes are copied (review-fixes18 L4)", async () => {
    const base = join(ws.work, "local-torn");
    await mkdir(join(base, "src"), { recursive: true });
    await mkdir(join(base, "dst"), { recursive: true });
    const file = join(base, "src/log");
    await writeFile(file, "abc");
    const st = statSync(file, { bigint: true });
    // The lock a process killed mid-append leaves: committed 3 bytes, its 10-byte append ending at 13; it wrote "TORN".
    const { pid } = spawnSync(process.execPath, ["-e", ""]);
    const ns = process.platform === "linux" ? readlinkSync("/proc/self/ns/pid") : "";
    const committed = { size: "3", mtimeNs: st.mtimeNs.toString(), birthNs: st.birthtimeNs.toString(), end: "13" };
    const owner = { pid, host: hostname(), ns, token: "0123456789abcdef", start: "1", since: new Date().toISOString(), committed };
    await writeFile(join(base, "src", `.stowage-lock-${st.ino.toString(16).padStart(16, "0")}`), JSON.stringify(owner) + "\n");
    await appendFile(file, "TORN");
    if (st.birthtimeNs === 0n) return; // no birth times here: the lock is not taken for this file's
    const r = await run(["cp", join(base, "src/log"), join(base, "dst/log")]);
    expect(r.stderr).not.toContain("Conflict");
    expect(r.code).toBe(0);
    expect(await readFile(join(base, "dst/log"), "utf8")).toBe("abc");
  });
});
