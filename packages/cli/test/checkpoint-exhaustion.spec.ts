/**
 * A full disk around a transfer (review-exhaustion M2, L1, L2). The file system's writes are
 * wrapped: a write to a path with a marker in it fails with ENOSPC after creating the file, as a
 * full disk does (`writeFile` with `wx` opens, then the write hits the limit).
 * - M2: a checkpoint that cannot be written is warned of once (path and errno), and the run goes on
 *   as one without a checkpoint: the uploads of the objects that failed are aborted, not kept for a
 *   resume nothing records, and no checkpoint is said to be kept.
 * - L1: the lock's temp file is removed when writing it fails.
 * - L2: once the destination reports a full disk (a StorageError whose cause is ENOSPC or EDQUOT,
 *   whatever its code), no further object is started; one line says so, with the count not attempted.
 */
import { afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import * as realFs from "node:fs/promises";
import { join } from "node:path";
import { constants as osConstants } from "node:os";

/** Which writes fail: paths `match` matches, after the first `after` of them worked. */
const full: { match: RegExp | undefined; after: number; seen: number } = { match: undefined, after: 0, seen: 0 };

/** The temp files of the checkpoint `name` (`<name>.<16 hex digits>.tmp`), not its lock's. */
const checkpointTemps = (name: string): RegExp => new RegExp(`/${name.replace(/\./g, "\\.")}\\.[0-9a-f]{16}\\.tmp$`);

/** The checkpoint `name` itself (appended to) and its temp files (a rewrite), not its lock's. */
const checkpointWrites = (name: string): RegExp => new RegExp(`/${name.replace(/\./g, "\\.")}(\\.[0-9a-f]{16}\\.tmp)?$`);

/** Node's error of a write to a full disk. */
function enospc(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: "ENOSPC", errno: -28, syscall: "write", path });
}

jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  writeFile: async (...args: Parameters<typeof realFs.writeFile>): Promise<void> => {
    const path = String(args[0]);
    if (full.match?.test(path) === true && full.seen++ >= full.after) {
      // The file is made (O_CREAT|O_EXCL), then its bytes do not fit.
      await realFs.writeFile(path, "", { flag: (args[2] as { flag?: string } | undefined)?.flag ?? "w" });
      throw enospc(path);
    }
    return realFs.writeFile(...args);
  },
  // The checkpoint's saves open a file to write (a new temp file, or the journal to append to): its writes fail.
  open: async (...args: Parameters<typeof realFs.open>): Promise<realFs.FileHandle> => {
    const handle = await realFs.open(...args);
    const [path, flags] = [String(args[0]), args[1]];
    const writing = typeof flags === "number" && (flags & (realFs.constants.O_WRONLY | realFs.constants.O_RDWR)) !== 0;
    if (!writing || full.match?.test(path) !== true || full.seen++ < full.after) return handle;
    const fail = async (): Promise<never> => {
      throw enospc(path);
    };
    return new Proxy(handle, {
      get(target, name) {
        if (name === "write" || name === "writeFile" || name === "appendFile") return fail;
        const v: unknown = Reflect.get(target, name);
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  },
}));

const { ErrorCode, newStorager, storageError } = await import("@stowage/core");
const { lockCheckpoint } = await import("../src/transfer/checkpoint-lock.js");
const { useWorkspace } = await import("./workspace.js");
const { useMemoryVariant } = await import("./memory-variants.js");
const { inProcess, withStats } = await import("./cli-run.js");
const { bytes, writeTree } = await import("./helpers.js");
const { readCheckpoint } = await import("./checkpoint-reader.js");

const ws = useWorkspace();
const cli = inProcess(ws);
const MiB = 1024 * 1024;

afterEach(() => {
  Object.assign(full, { match: undefined, after: 0, seen: 0 });
});

/** Uploads left at `memory://<name>/`. */
async function uploadsLeft(name: string): Promise<string[]> {
  const left: string[] = [];
  for await (const o of newStorager(`memory://${name}/`).list("", { mode: "part" })) left.push(`${o.path} ${o.multipartId ?? ""}`);
  return left;
}

/** Files in `dir` (none when it does not exist). */
async function filesIn(dir: string): Promise<string[]> {
  return (await realFs.readdir(dir).catch(() => [] as string[])).sort();
}

// A destination whose parts after the first of each upload fail while `partFail.on` (not retryable):
// each large object's upload is created, gets a part, and then fails.
const partFail = { on: true };
useMemoryVariant("partfail", (driver) => {
  const writePart = driver.writePart!.bind(driver);
  driver.writePart = (key, id, index, body, options) =>
    index === 0 || !partFail.on ? writePart(key, id, index, body, options) : Promise.reject(storageError(ErrorCode.PermissionDenied, "upload_part: AccessDenied: refused"));
  return driver;
});

// A destination whose parts after the first of each upload wait until the call is aborted (Ctrl-C).
useMemoryVariant("partwait", (driver) => {
  const writePart = driver.writePart!.bind(driver);
  driver.writePart = (key, id, index, body, options) =>
    index === 0
      ? writePart(key, id, index, body, options)
      : new Promise((_, reject) => options.signal?.addEventListener("abort", () => reject(storageError(ErrorCode.Aborted, "aborted")), { once: true }));
  return driver;
});

/** How the fs driver reports a full disk, before and after it gave ENOSPC and EDQUOT a message of their own. */
const FULL_ERRORS = {
  unexpected: () => storageError(ErrorCode.Unexpected, "filesystem error ENOSPC", { op: "write", service: "fs", cause: enospc("x") }),
  internal: () => storageError(ErrorCode.ServiceInternal, "no space left on the file system (ENOSPC)", { op: "write", service: "fs", retryable: false, cause: enospc("x") }),
  quota: () =>
    storageError(ErrorCode.ServiceInternal, "disk quota exceeded (EDQUOT)", {
      op: "write",
      service: "fs",
      retryable: false,
      cause: Object.assign(new Error("EDQUOT: disk quota exceeded"), { code: "EDQUOT" }),
    }),
  // As Node 20 reports a real EDQUOT: no name for it (`UNKNOWN`), only its number.
  quotaUnnamed: () =>
    storageError(ErrorCode.ServiceInternal, "disk quota exceeded (EDQUOT)", {
      op: "write",
      service: "fs",
      retryable: false,
      cause: Object.assign(new Error("UNKNOWN: unknown error, write"), { code: "UNKNOWN", errno: -osConstants.errno.EDQUOT }),
    }),
};
const fullDisk = { after: Infinity, writes: 0, error: FULL_ERRORS.unexpected };
useMemoryVariant("fulldisk", (driver) => {
  const write = driver.write.bind(driver);
  driver.write = (key, body, options) => (++fullDisk.writes > fullDisk.after ? Promise.reject(fullDisk.error()) : write(key, body, options));
  return driver;
});

const FILES = 20;
const names = Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(2, "0")}.txt`);

beforeAll(async () => {
  await writeTree(join(ws.work, "big"), { "a.bin": bytes(3 * MiB, 1), "b.bin": bytes(3 * MiB, 2), "small.txt": "small" });
  await writeTree(join(ws.work, "many"), Object.fromEntries(names.map((n, i) => [n, `body ${i}`])));
});

describe("a checkpoint that cannot be written (M2)", () => {
  const LARGE = ["--large-threshold", "1M", "--part-size", "1M", "--small-concurrency", "1", "--large-concurrency", "1"];

  it("is warned of once, naming it and the errno; the failed objects' uploads are aborted as with --no-checkpoint", async () => {
    const checkpoint = join(ws.work, "ck-full", "run.json");
    // The lock is written; the checkpoint's own writes (its temp files) fail from the first.
    full.match = checkpointTemps("run.json");
    const r = await cli(["cp", "-r", ...LARGE, "--checkpoint", checkpoint, "big/", "partfail://ck-full/"]);
    expect(r.code).not.toBe(0);
    const warning = `stowage: cp: checkpoint ${checkpoint} could not be saved (ENOSPC): this run cannot be resumed; its uploads are aborted as with --no-checkpoint`;
    expect(r.stderr.split("\n").filter((l) => l.includes("could not be saved"))).toEqual([warning]);
    expect(r.stderr).not.toContain("checkpoint kept");
    // Both large objects failed; neither upload is left behind.
    expect(r.stderr).toContain("cp a.bin: PermissionDenied");
    expect(r.stderr).toContain("cp b.bin: PermissionDenied");
    expect(await uploadsLeft("ck-full")).toEqual([]);
    // No checkpoint, and no temp file or lock, is left.
    expect(await filesIn(join(ws.work, "ck-full"))).toEqual([]);
  });

  it("when the first write worked and later ones fail: the upload it recorded is aborted too", async () => {
    const checkpoint = join(ws.work, "ck-later", "run.json");
    // The first write (a.bin's upload start) works; every later one (appended, or rewritten whole) fails.
    full.match = checkpointWrites("run.json");
    full.after = 1;
    const r = await cli(["cp", "-r", ...LARGE, "--checkpoint", checkpoint, "big/", "partfail://ck-later/"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split("\n").filter((l) => l.includes(`checkpoint ${checkpoint} could not be saved (ENOSPC)`))).toHaveLength(1);
    expect(r.stderr).not.toContain("checkpoint kept");
    expect(await uploadsLeft("ck-later")).toEqual([]);
    // What the first write left is there (it records a.bin's upload, now aborted): a re-run starts over.
    full.match = undefined;
    partFail.on = false;
    try {
      const again = await cli(["cp", "-r", ...LARGE, "--checkpoint", checkpoint, "big/", "partfail://ck-later/"]);
      expect([again.code, again.stderr]).toEqual([0, expect.not.stringContaining("could not be saved")]);
    } finally {
      partFail.on = true;
    }
    expect(await uploadsLeft("ck-later")).toEqual([]);
    for (const name of ["a.bin", "b.bin"]) expect((await newStorager("memory://ck-later/").stat(name)).size).toBe(3 * MiB);
  });

  it("whose lock cannot be written either: the lock warning says the checkpoint may not be writable", async () => {
    const checkpoint = join(ws.work, "ck-lock", "run.json");
    full.match = /\/run\.json\..*tmp$/;
    const r = await cli(["cp", "-r", ...LARGE, "--checkpoint", checkpoint, "big/", "partfail://ck-lock/"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`cp: checkpoint ${checkpoint}: its lock could not be taken (ENOSPC: no space left on device, write '${checkpoint}.lock.`);
    expect(r.stderr).toContain("going on without it (the checkpoint may not be writable either)");
    expect(r.stderr.split("\n").filter((l) => l.includes("could not be saved (ENOSPC)"))).toHaveLength(1);
    expect(await uploadsLeft("ck-lock")).toEqual([]);
    // Neither the lock's temp file nor the checkpoint's is left (L1).
    expect(await filesIn(join(ws.work, "ck-lock"))).toEqual([]);
  });

  it("Ctrl-C: the upload in flight is aborted, and no checkpoint is said to be kept", async () => {
    const checkpoint = join(ws.work, "ck-int", "run.json");
    full.match = checkpointTemps("run.json");
    const controller = new AbortController();
    const running = cli(["cp", ...LARGE, "--checkpoint", checkpoint, "big/a.bin", "partwait://ck-int/a.bin"], { signal: controller.signal });
    for (let i = 0; i < 200 && (await uploadsLeft("ck-int")).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await uploadsLeft("ck-int")).toHaveLength(1);
    controller.abort();
    const r = await running;
    expect(r.code).toBe(130);
    expect(r.stderr.split("\n").filter((l) => l.includes(`checkpoint ${checkpoint} could not be saved (ENOSPC)`))).toHaveLength(1);
    expect(r.stderr).not.toContain("checkpoint kept");
    expect(await uploadsLeft("ck-int")).toEqual([]);
  });

  it("a run whose checkpoint writes work keeps the failed objects' uploads for a resume, as before", async () => {
    const checkpoint = join(ws.work, "ck-ok", "run.json");
    const r = await cli(["cp", "-r", ...LARGE, "--checkpoint", checkpoint, "big/", "partfail://ck-ok/"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toContain("could not be saved");
    const kept = await readCheckpoint(checkpoint);
    expect(Object.keys(kept.uploads).sort()).toEqual(["a.bin", "b.bin"]);
    expect(await uploadsLeft("ck-ok")).toHaveLength(2);
  });
});

describe("the checkpoint lock's temp file (L1)", () => {
  it("is removed when writing it fails", async () => {
    const dir = join(ws.work, "lock-full");
    full.match = /\/lk\.json\.lock\.[0-9a-f]{16}\.tmp$/;
    await expect(lockCheckpoint(join(dir, "lk.json"))).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await filesIn(dir)).toEqual([]);
  });
});

interface Stats {
  objects: { planned: number; copied: number; failed: number; notAttempted: number };
}

describe("a destination that reports a full disk (L2)", () => {
  for (const [form, error] of Object.entries(FULL_ERRORS)) {
    it(`starts no further object and says so once, with the count not attempted (${form})`, async () => {
      Object.assign(fullDisk, { after: 5, writes: 0, error });
      const r = await withStats<Stats>(cli(["cp", "-r", "--small-concurrency", "1", "--stats-json", "many/", `fulldisk://full-${form}/`]));
      expect(r.code).not.toBe(0);
      // One object failed with the full disk; the others after it were not attempted.
      expect(r.stats!.objects).toMatchObject({ planned: FILES, copied: 5, failed: 1, notAttempted: FILES - 6 });
      expect(fullDisk.writes).toBe(6);
      const code = form.startsWith("quota") ? "EDQUOT" : "ENOSPC";
      const lines = r.stderr.split("\n").filter(Boolean);
      const stopLines = lines.filter((l) => l.includes("the destination's file system"));
      expect(stopLines).toEqual([
        form.startsWith("quota")
          ? `stowage: cp: the destination's file system has used up its disk quota (EDQUOT on fs write): ${FILES - 6} objects not attempted; free space there or raise the quota and run the same command again`
          : `stowage: cp: the destination's file system is full (ENOSPC on fs write): ${FILES - 6} objects not attempted; free space there and run the same command again`,
      ]);
      expect(lines.at(-1)).toBe(stopLines[0]);
      expect(lines.filter((l) => l.includes(`(${code})`) || l.includes(`error ${code}`))).toHaveLength(1);
    });
  }

  it("another failure stops nothing", async () => {
    Object.assign(fullDisk, { after: 5, writes: 0, error: () => storageError(ErrorCode.ServiceInternal, "internal error", { op: "write", service: "fs" }) });
    const r = await withStats<Stats>(cli(["cp", "-r", "--small-concurrency", "1", "--stats-json", "many/", "fulldisk://full-other/"]));
    expect(r.stats!.objects).toMatchObject({ copied: 5, failed: FILES - 5, notAttempted: 0 });
    expect(r.stderr).not.toContain("the destination's file system");
  });
});
