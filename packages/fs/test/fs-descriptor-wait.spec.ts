import * as realFsModule from "node:fs";
import { promises as realFs } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// Opens that fail with EMFILE/ENFILE (a process, or the system, out of file descriptors) are tried
// again after short waits (descriptor-wait.ts), since descriptors come back as other calls close
// theirs: a tree copy of many small files at a low `ulimit -n` (a low hard limit) failed
// objects with "too many open files". One that stays short still fails as before (ServiceInternal,
// retryable). The opens are made to fail by wrapping node:fs/promises `open` (files, temp files)
// and node:fs `open` (descriptors by number: pinned directories, O_PATH looks) and readdir.

/** What to fail, and how many more times. */
const failing = { wx: 0, read: 0, dir: 0, readdir: 0, code: "EMFILE" };
/** How many opens each kind saw, failed or not. */
const seen = { wx: 0, read: 0, dir: 0, readdir: 0 };

function shortError(syscall: string, path: string): NodeJS.ErrnoException {
  const errno = failing.code === "EMFILE" ? -24 : -23;
  return Object.assign(new Error(`${failing.code}: too many open files, ${syscall} '${path}'`), { code: failing.code, errno, syscall, path });
}

/** True (and counted down) when this open of `kind` is to fail. */
function fails(kind: "wx" | "read" | "dir" | "readdir"): boolean {
  seen[kind]++;
  if (failing[kind] <= 0) return false;
  failing[kind]--;
  return true;
}

jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  open: async (path: string, flags?: string | number, mode?: number) => {
    if (flags === "wx" && fails("wx")) throw shortError("open", String(path));
    if (String(path).startsWith("/proc/self/fd/") && typeof flags === "number" && fails("read")) throw shortError("open", String(path));
    return realFs.open(path, flags, mode);
  },
  readdir: (async (path: string, options?: unknown) => {
    if (fails("readdir")) throw shortError("scandir", String(path));
    return (realFs.readdir as (p: string, o?: unknown) => Promise<unknown>)(path, options);
  }) as typeof realFs.readdir,
}));
jest.unstable_mockModule("node:fs", () => ({
  ...realFsModule,
  default: realFsModule,
  open: (path: string, flags: number, callback: (error: NodeJS.ErrnoException | null, fd: number) => void) => {
    if ((flags & realFsModule.constants.O_DIRECTORY) !== 0 && fails("dir")) {
      process.nextTick(() => callback(shortError("open", String(path)), -1));
      return;
    }
    realFsModule.open(path, flags, callback);
  },
}));

const { ErrorCode, newStorager } = await import("@stowage/core");
await import("../src/index.js");
const { descriptorWait } = await import("../src/descriptor-wait.js");
const { sandbox } = await import("./setup.js");
const { rejection } = await import("./helpers.js");

let s: Awaited<ReturnType<typeof sandbox>>;
const defaults = { ...descriptorWait };
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  Object.assign(failing, { wx: 0, read: 0, dir: 0, readdir: 0, code: "EMFILE" });
  Object.assign(seen, { wx: 0, read: 0, dir: 0, readdir: 0 });
  Object.assign(descriptorWait, defaults);
  await s.cleanup();
});

describe("fs: an open that fails for want of descriptors is tried again", () => {
  it("a write whose temp file's first opens fail with EMFILE stores the object", async () => {
    const store = newStorager(`fs://${s.root}/`);
    failing.wx = 3;
    await store.write("a.txt", "hello");
    expect(seen.wx).toBe(4);
    expect((await store.read("a.txt")).toString()).toBe("hello");
  });

  it("a read whose file's first opens fail with ENFILE reads it", async () => {
    const store = newStorager(`fs://${s.root}/`);
    await store.write("b.txt", "bytes");
    if (process.platform !== "linux") return; // the open through /proc/self/fd is Linux's
    failing.code = "ENFILE";
    failing.read = 2;
    expect((await store.read("b.txt")).toString()).toBe("bytes");
    expect(seen.read).toBeGreaterThanOrEqual(3);
  });

  it("a copy and a listing whose directories' first opens fail go through", async () => {
    const store = newStorager(`fs://${s.root}/`);
    await store.write("d/c.txt", "copied");
    if (process.platform === "linux") failing.dir = 4;
    failing.readdir = 2;
    await store.copy("d/c.txt", "e/c.txt");
    const listed: string[] = [];
    for await (const o of store.list("", { mode: "prefix" })) listed.push(o.path);
    expect(listed.sort()).toEqual(["d/c.txt", "e/c.txt"]);
    expect((await store.read("e/c.txt")).toString()).toBe("copied");
    if (process.platform === "linux") expect(failing.dir).toBe(0);
    expect(failing.readdir).toBe(0);
  });

  it("listings of multipart uploads and of an upload's parts whose first readdirs fail go through", async () => {
    const store = newStorager(`fs://${s.root}/`);
    const upload = await store.createMultipart("big.bin");
    await store.writeMultipart(upload, Buffer.from("part zero"), { index: 0 });
    failing.readdir = 2;
    const uploads: string[] = [];
    for await (const u of store.list("", { mode: "part" })) uploads.push(u.path);
    expect(uploads).toEqual(["big.bin"]);
    failing.readdir = 2;
    const parts: number[] = [];
    for await (const p of store.listMultipart(upload)) parts.push(p.index);
    expect(parts).toEqual([0]);
    expect(failing.readdir).toBe(0);
  });

  it("descriptors that stay short: the call fails as before (ServiceInternal, retryable), after waiting about descriptorWait.totalMs", async () => {
    const store = newStorager(`fs://${s.root}/`);
    Object.assign(descriptorWait, { totalMs: 150 });
    failing.wx = Number.POSITIVE_INFINITY;
    const started = Date.now();
    const error = await rejection(store.write("c.txt", "never"));
    expect(error).toMatchObject({ code: ErrorCode.ServiceInternal, retryable: true, detail: "too many open files (EMFILE)" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(seen.wx).toBeGreaterThan(3);
    expect(await realFs.readdir(s.root)).toEqual([]);
  });

  it("other errors are not waited on", async () => {
    const store = newStorager(`fs://${s.root}/`);
    const started = Date.now();
    expect(await rejection(store.read("missing.txt"))).toMatchObject({ code: ErrorCode.ObjectNotExist });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
