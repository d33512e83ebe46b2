/**
 * Two runs of one command sharing a checkpoint (review-concurrency L1): the run that holds the
 * checkpoint's lock (`<checkpoint>.lock`: its pid and host) keeps it; a second run started while the
 * first is live does not resume (and complete) the first's uploads: it goes on without the
 * checkpoint and says so. A lock whose pid is gone is stale and taken over. A run whose upload
 * another run completed anyway (one that took its lock for stale) finds the destination holding the
 * source's bytes (size and CRC-64) and succeeds.
 */
import { afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { spawn } from "node:child_process";
import { mkdir, readFile, readdir, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { pipeline, Transform, type Readable } from "node:stream";
import { newStorager } from "@stowage/core";
import { registerBundledDrivers } from "../src/drivers.js";
import { Locations } from "../src/locations.js";
import { Checkpoint } from "../src/transfer/checkpoint.js";
import { OTHER_HOST_STALE_MS } from "../src/transfer/checkpoint-lock.js";
import { copyObject, type CopyEnv } from "../src/transfer/copy-object.js";
import { TRANSFER_DEFAULTS } from "../src/transfer/settings.js";
import { newStats } from "../src/transfer/stats.js";
import { bytes, ensureBuilt, exists, finished, spawnCli, waitFor } from "./helpers.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const MiB = 1024 * 1024;
const FLAGS = ["--large-threshold", "1MiB", "--part-size", "1MiB", "--part-concurrency", "1"];
const ws = useWorkspace();
const run = inProcess(ws);

beforeAll(async () => {
  registerBundledDrivers();
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** A process that stays alive until killed (a live lock holder); the caller kills it. */
async function liveProcess(): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)"], { stdio: "ignore" });
  await new Promise((resolve) => child.once("spawn", resolve));
  return {
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("the checkpoint's lock", () => {
  it("a checkpoint whose lock a live process holds is not used: the run copies without it and says so", async () => {
    const data = bytes(3 * MiB, 1);
    await writeFile(join(ws.work, "held.bin"), data);
    const checkpoint = join(ws.work, "held.ckpt");
    const holder = await liveProcess();
    try {
      const lock = JSON.stringify({ pid: holder.pid, host: hostname() });
      await writeFile(`${checkpoint}.lock`, lock);
      const r = await run(["cp", "--checkpoint", checkpoint, ...FLAGS, "held.bin", "memory://lock-held/held.bin"]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`checkpoint ${checkpoint} is in use by another run (pid ${holder.pid}): this run neither resumes from it nor records in it`);
      expect((await newStorager("memory://lock-held/").read("held.bin")).equals(data)).toBe(true);
      // Neither recorded in nor the lock taken: both are the holder's.
      expect(await exists(checkpoint)).toBe(false);
      expect(await readFile(`${checkpoint}.lock`, "utf8")).toBe(lock);
    } finally {
      await holder.stop();
    }
  });

  it("a lock whose process is gone is stale: taken over, the checkpoint used, the lock removed at the end", async () => {
    await writeFile(join(ws.work, "stale.bin"), bytes(3 * MiB, 2));
    const checkpoint = join(ws.work, "stale.ckpt");
    await writeFile(`${checkpoint}.lock`, JSON.stringify({ pid: await deadPid(), host: hostname() }));
    const r = await run(["cp", "--checkpoint", checkpoint, ...FLAGS, "stale.bin", "memory://lock-stale/stale.bin"]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("in use by another run");
    expect([await exists(checkpoint), await exists(`${checkpoint}.lock`)]).toEqual([false, false]);
  });

  it("another host's lock is live while touched and stale once untouched for 10 minutes", async () => {
    await writeFile(join(ws.work, "far.bin"), bytes(3 * MiB, 4));
    const checkpoint = join(ws.work, "far.ckpt");
    const lock = JSON.stringify({ pid: 1, host: `${hostname()}-elsewhere` });
    await writeFile(`${checkpoint}.lock`, lock);
    const fresh = await run(["cp", "--checkpoint", checkpoint, ...FLAGS, "far.bin", "memory://lock-far/a.bin"]);
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toContain("is in use by another run (pid 1 on ");
    expect(await readFile(`${checkpoint}.lock`, "utf8")).toBe(lock);
    const old = new Date(Date.now() - OTHER_HOST_STALE_MS - 60_000);
    await utimes(`${checkpoint}.lock`, old, old);
    const stale = await run(["cp", "--checkpoint", checkpoint, ...FLAGS, "far.bin", "memory://lock-far/b.bin"]);
    expect(stale.code).toBe(0);
    expect(stale.stderr).not.toContain("in use by another run");
    expect([await exists(checkpoint), await exists(`${checkpoint}.lock`)]).toEqual([false, false]);
  });

  it("a second run started while the first uploads does not take the first's upload over; both succeed", async () => {
    ensureBuilt();
    const base = join(ws.work, "two-runs");
    await mkdir(join(base, "dst"), { recursive: true });
    const data = bytes(6 * MiB, 3);
    await writeFile(join(base, "big.bin"), data);
    const checkpoint = join(base, "run.ckpt");
    const args = ["cp", "--no-server-side", "--checkpoint", checkpoint, ...FLAGS, join(base, "big.bin"), join(base, "dst/big.bin")];
    // Run A, slowed down, in a process of its own; B starts once A's checkpoint records its upload.
    const a = spawnCli([...args, "--bwlimit", "2MiB"], { env: ws.env });
    a.stdin?.end();
    const aDone = finished(a, 120_000);
    await waitFor(async () => {
      const recorded = await readCheckpoint(checkpoint);
      return Object.keys(recorded.uploads).length > 0 ? true : undefined;
    }, 60_000);
    const b = await run(args);
    const ra = await aDone;
    expect(b.code).toBe(0);
    expect(b.stderr).toContain(`is in use by another run (pid ${a.pid})`);
    expect([ra.code, ra.stderr]).toEqual([0, expect.not.stringContaining("ObjectNotExist")]);
    expect((await readFile(join(base, "dst/big.bin"))).equals(data)).toBe(true);
    expect([await exists(checkpoint), await exists(`${checkpoint}.lock`)]).toEqual([false, false]);
    expect((await readdir(join(base, "dst"), { recursive: true })).filter((p) => String(p).includes(".stowage-multipart/") && String(p).split("/").length > 2)).toEqual([]);
  });
});

describe("an upload another run completed", () => {
  it("the run whose upload is gone finds the destination holding the source's bytes and succeeds", async () => {
    const data = bytes(3 * MiB, 4);
    const dir = join(ws.work, "elsewhere");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "big.bin"), data);
    const locations = new Locations({ cwd: ws.work, env: ws.env });
    const src = await locations.dir(locations.parse(`${dir}/`));
    const dst = await locations.dir(locations.parse("memory://elsewhere/"));
    const checkpoint = await Checkpoint.open(join(ws.work, "elsewhere.ckpt"), { command: "cp", source: "a", destination: "b" });
    const warnings: string[] = [];
    const e: CopyEnv = {
      src,
      dst,
      settings: { ...TRANSFER_DEFAULTS, largeThreshold: MiB, partSize: MiB, partConcurrency: 1, readConcurrency: 1, bwlimit: undefined, verify: false, serverSide: false, dryRun: false, checkpoint: undefined, include: [], exclude: [], statsJson: false, copyLinks: false },
      checkpoint,
      signal: new AbortController().signal,
      stats: newStats("cp", false),
      move: false,
      warn: (_item, message) => warnings.push(message),
    };
    // Once 1 MiB of the copy's read passed, "another run" resumes this run's upload (its id from the
    // checkpoint) and completes it; only then does this run's read go on. (Later reads: as they are.)
    const createReadStream = src.store.createReadStream.bind(src.store);
    let reads = 0;
    jest.spyOn(src.store, "createReadStream").mockImplementation((...args) => {
      if (reads++ > 0) return createReadStream(...args);
      let passed = 0;
      let taken: Promise<void> | undefined;
      const gate = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          passed += chunk.length;
          if (passed < MiB) return done(null, chunk);
          taken ??= (async () => {
            const id = await waitFor(async () => checkpoint.staleUpload("big.bin")?.multipartId);
            await dst.store.write("big.bin", data, { multipartId: id, partSize: MiB, multipartThreshold: MiB });
          })();
          taken.then(() => done(null, chunk), done);
        },
      });
      return pipeline(createReadStream(...args) as Readable, gate, () => undefined) as unknown as ReturnType<typeof src.store.createReadStream>;
    });
    const listed = await src.store.stat("big.bin");
    await copyObject(e, { rel: "big.bin", srcPath: "big.bin", dstPath: "big.bin", src: listed, size: data.length, reason: "new" }, { update: () => undefined, end: () => undefined });
    expect(warnings).toEqual([expect.stringContaining("its upload was completed by another run, and the destination holds the source's bytes")]);
    expect(e.stats.objects).toMatchObject({ copied: 1, verified: 1 });
    expect((await dst.store.read("big.bin")).equals(data)).toBe(true);
    expect(checkpoint.staleUpload("big.bin")).toBeUndefined();
    await checkpoint.remove();
  });
});
