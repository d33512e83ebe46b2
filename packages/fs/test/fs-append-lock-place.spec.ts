import { constants, promises as realFs } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// An append's lock file (append-lock.ts) and every reader's look for it (committed.ts) must meet in
// one directory, whatever name the file is reached by: the work_dir given through a symlink or as
// its real path (macOS: /tmp is /private/tmp), the file through a symlink in another directory.
// Else two processes appending through two names take two locks (not serialised), and a reader
// through the other name finds no lock and serves the bytes of an append not yet committed. Run
// with Linux's /proc paths (the directory read from the open file) and without them, as on
// macOS (the path resolved): pinned-dir.ts's fdPathsWork is wrapped to say false while `noProc`;
// and on a filesystem taken for one other hosts share (local-fs.ts, wrapped to say so while
// `shared`: readers look at a file again through the thread pool, appends open it again by name).

let noProc = false;
let shared = false;
const actual = await import("../src/pinned-dir.js");
jest.unstable_mockModule("../src/pinned-dir.js", () => ({ ...actual, fdPathsWork: () => !noProc && actual.fdPathsWork() }));
const actualLocal = await import("../src/local-fs.js");
jest.unstable_mockModule("../src/local-fs.js", () => ({
  ...actualLocal,
  isLocalFilesystem: async (dev: bigint, path: string) => !shared && (await actualLocal.isLocalFilesystem(dev, path)),
}));

const { acquireAppendLock } = await import("../src/append-lock.js");
const { committedStatSync } = await import("../src/committed-sync.js");
const { APPEND_LOCK_TIMING } = await import("../src/lock-timing.js");
const { FsPaths } = await import("../src/paths.js");
const { lockName } = await import("../src/reserved-names.js");
const { FsStorageDriver } = await import("../src/storager.js");
const { drain, expectCode, waitFor } = await import("./helpers.js");

let tmp: string;
beforeEach(async () => {
  tmp = await realFs.mkdtemp(join((await import("node:os")).tmpdir(), "stowage-fs-lockplace-"));
});
afterEach(async () => {
  noProc = false;
  shared = false;
  await realFs.rm(tmp, { recursive: true, force: true });
});

type Driver = InstanceType<typeof FsStorageDriver>;
const keyOf = (path: string): string => path.slice(1);
const isLock = (name: string): boolean => /^\.stowage-lock-[0-9a-f]{16}$/.test(name);
const locksIn = async (dir: string): Promise<string[]> => (await realFs.readdir(dir)).filter(isLock);

/** Starts an append through `driver` of a stream body to `path` at `offset`; resolves once its first byte is in the file. */
async function started(driver: Driver, path: string, offset: number): Promise<{ body: PassThrough; append: Promise<unknown> }> {
  const body = new PassThrough();
  const append = driver.writeAppend(keyOf(path), offset, { data: body, size: 2 }, {});
  append.catch(() => undefined);
  body.write("1");
  await waitFor(async () => (await realFs.stat(path)).size === offset + 1);
  return { body, append };
}

/** What `driver` says of `path` (its stat's size, its read's bytes) and what committedStatSync says of it. */
async function seen(driver: Driver, path: string): Promise<{ size: number | undefined; read: string; sync: bigint | undefined }> {
  const size = (await driver.stat(keyOf(path), {})).size;
  const read = (await drain((await driver.read(keyOf(path), {}, {})).stream)).toString();
  return { size, read, sync: committedStatSync(path)?.size };
}

/** Takes the file `path`'s append lock as an append through `workDir` would, waiting 30 ms at most: Conflict while another holds it. */
async function takeLock(workDir: string, path: string): Promise<void> {
  const paths = new FsPaths(workDir);
  const handle = await paths.openInside(path, constants.O_RDONLY);
  try {
    const { dir } = await paths.pinPlaceOf(handle, path);
    try {
      const lock = await acquireAppendLock(dir, (await handle.stat({ bigint: true })).ino, undefined, { ...APPEND_LOCK_TIMING, waitMs: 30 });
      await lock.release();
    } finally {
      await dir.close();
    }
  } finally {
    await handle.close();
  }
}

describe.each([
  ["with /proc paths", false, false],
  ["without /proc paths (as on macOS)", true, false],
  ["on a filesystem other hosts may share (as NFS)", false, true],
])("fs append lock: one lock file whatever name the file is reached by (%s)", (_, withoutProc, sharedFs) => {
  beforeEach(() => {
    noProc = withoutProc;
    shared = sharedFs;
  });

  it("a work_dir given through a symlink and as its real path: two storagers take one lock and agree on what is committed", async () => {
    const real = join(tmp, "real");
    const link = join(tmp, "link");
    await realFs.mkdir(real);
    await realFs.symlink(real, link);
    await realFs.writeFile(join(real, "log"), "abc");
    const viaLink = new FsStorageDriver(link);
    const viaReal = new FsStorageDriver(real);
    const { body, append } = await started(viaLink, join(link, "log"), 3);

    const ino = (await realFs.stat(join(real, "log"), { bigint: true })).ino;
    expect(await locksIn(real)).toEqual([lockName(ino)]);
    for (const [driver, path] of [
      [viaReal, join(real, "log")],
      [viaLink, join(link, "log")],
    ] as const) {
      expect(await seen(driver, path)).toEqual({ size: 3, read: "abc", sync: 3n });
    }
    // Another process appending through the real path would wait for this very lock.
    await expectCode(takeLock(real, join(real, "log")), "Conflict");
    await expectCode(takeLock(link, join(link, "log")), "Conflict");

    body.end("2");
    await expect(append).resolves.toEqual({ appendOffset: 5 });
    expect(await seen(viaReal, join(real, "log"))).toEqual({ size: 5, read: "abc12", sync: 5n });
    expect(await locksIn(real)).toEqual([]);
    await expect(viaReal.writeAppend(keyOf(join(real, "log")), 5, { data: Buffer.from("3"), size: 1 }, {})).resolves.toEqual({ appendOffset: 6 });
  });

  it("a file appended to through a symlink in another directory: the lock lies beside the file, where readers of either name look", async () => {
    const root = join(tmp, "store");
    await realFs.mkdir(join(root, "sub"), { recursive: true });
    await realFs.writeFile(join(root, "sub/log"), "abc");
    await realFs.symlink("sub/log", join(root, "link"));
    const driver = new FsStorageDriver(root);
    const { body, append } = await started(driver, join(root, "link"), 3);

    const ino = (await realFs.stat(join(root, "sub/log"), { bigint: true })).ino;
    expect(await locksIn(join(root, "sub"))).toEqual([lockName(ino)]);
    expect(await locksIn(root)).toEqual([]);
    expect(await seen(driver, join(root, "sub/log"))).toEqual({ size: 3, read: "abc", sync: 3n });
    // The link itself is a link object to stat; read and committedStatSync follow it.
    expect((await drain((await driver.read(keyOf(join(root, "link")), {}, {})).stream)).toString()).toBe("abc");
    expect(committedStatSync(join(root, "link"))?.size).toBe(3n);
    // An append through the file's own name (another process's) would wait for this very lock.
    await expectCode(takeLock(root, join(root, "sub/log")), "Conflict");

    body.end("2");
    await expect(append).resolves.toEqual({ appendOffset: 5 });
    expect(await seen(driver, join(root, "sub/log"))).toEqual({ size: 5, read: "abc12", sync: 5n });
    expect([...(await locksIn(root)), ...(await locksIn(join(root, "sub")))]).toEqual([]);
  });
});
