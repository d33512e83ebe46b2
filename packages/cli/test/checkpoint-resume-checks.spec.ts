/**
 * What a checkpointed re-run trusts, COS emulator → OSS emulator (OSS lists each part's CRC-64,
 * COS states the source's CRC-64, so a resumed upload starts past the stored parts):
 * - an object the checkpoint says is done is skipped only while the destination still is what that
 *   copy left (CLI-4: the destination overwritten with other bytes of the same size is copied again);
 *   a checkpoint entry without the destination recorded (an older stowage's) is copied again;
 * - a resume past the stored parts that hits IntegrityMismatch (CLI-3: a stored part replaced
 *   behind the CLI's back) is tried again from offset 0 in the same run and upload, re-sending only
 *   the wrong part and the missing ones, instead of failing and discarding the whole upload.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager, type Storager } from "@stowage/core";
import { bytes, exists } from "./helpers.js";
import { readCheckpoint } from "./checkpoint-reader.js";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess, withStats } from "./cli-run.js";

const MiB = 1024 * 1024;
const SRC_BUCKET = "resume-src-1250000000";
const DST_BUCKET = "resume-dst";
const FLAGS = ["--large-threshold", "1MiB", "--part-size", "1MiB", "--part-concurrency", "1", "--stats-json", "--progress", "none"];

interface Stats {
  objects: { copied: number; skipped: number; failed: number };
  bytes: { sent: number; resumed: number };
  parts: { resumedUploads: number; skipped: number };
}


const ws = useWorkspace({ stateDir: true });
const srcEmu = useEmulator({ provider: "cos", buckets: [SRC_BUCKET] });
const dstEmu = useEmulator({ provider: "oss", buckets: [DST_BUCKET] });
const run = inProcess(ws);
let src: Storager;
let dst: Storager;

const srcAt = (path: string): string => keyLocation(srcEmu.emulator, SRC_BUCKET, path);
const dstAt = (path: string): string => keyLocation(dstEmu.emulator, DST_BUCKET, path);
const cli = (argv: string[]) => withStats<Stats>(run(argv));

beforeAll(async () => {
  src = newStorager(srcAt(""));
  dst = newStorager(dstAt(""));
});

describe("a checkpoint's done objects", () => {
  const files = { a: bytes(2 * MiB, 5), b: bytes(2 * MiB, 6), c: bytes(2 * MiB, 8), s: bytes(10_000, 9) };

  /** Run 1 of `cp -r` of every file under `dir`: all copied but `b` (its requests fail), checkpoint kept. */
  async function firstRun(dir: string, checkpoint: string): Promise<string[]> {
    for (const [name, body] of Object.entries(files)) await src.write(`${dir}/${name}`, body);
    const argv = ["cp", "-r", srcAt(`${dir}/`), dstAt(`${dir}/`), "--checkpoint", checkpoint, ...FLAGS];
    dstEmu.emulator.setFaults([{ kind: "status", status: 500, keyPrefix: `${dir}/b` }]);
    try {
      const first = await cli(argv);
      expect(first.code).not.toBe(0);
      expect(first.stats?.objects).toMatchObject({ copied: 3, failed: 1 });
    } finally {
      dstEmu.emulator.setFaults([]);
    }
    return argv;
  }

  it("are copied again when the destination was overwritten since (CLI-4); untouched ones are skipped", async () => {
    const checkpoint = join(ws.work, "done.json");
    const argv = await firstRun("t", checkpoint);
    expect(Object.keys((await readCheckpoint(checkpoint)).done).sort()).toEqual(["a", "c", "s"]);

    // t/a at the destination now holds other bytes of the same size.
    await dst.write("t/a", bytes(2 * MiB, 77));
    const second = await cli(argv);
    expect(second.code).toBe(0);
    for (const [name, body] of Object.entries(files)) expect([name, (await dst.read(`t/${name}`)).equals(body)]).toEqual([name, true]);
    // a and b copied; c (multipart) and s (one PUT) still hold what run 1 left: skipped.
    expect(second.stats?.objects).toMatchObject({ copied: 2, skipped: 2, failed: 0 });
    expect(await exists(checkpoint)).toBe(false);
  });

  it("recorded by an older stowage (no destination in the entry) are copied again", async () => {
    const checkpoint = join(ws.work, "old.json");
    const argv = await firstRun("o", checkpoint);
    // Written as an older stowage wrote it: version 1, one JSON text.
    const data = await readCheckpoint(checkpoint);
    for (const entry of Object.values(data.done)) delete entry.destination;
    await writeFile(checkpoint, JSON.stringify({ ...data, version: 1 }));

    const second = await cli(argv);
    expect(second.code).toBe(0);
    // Nothing in it is taken (review-sync LOW-8): no claim to resume.
    expect(second.stderr).not.toContain("resuming from checkpoint");
    expect(second.stats?.objects).toMatchObject({ copied: 4, skipped: 0, failed: 0 });
    for (const [name, body] of Object.entries(files)) expect((await dst.read(`o/${name}`)).equals(body)).toBe(true);
  });
});

describe("a resume past the stored parts that finds one of them wrong", () => {
  it("is tried again from offset 0 in the same run, re-sending only the wrong and missing parts (CLI-3)", async () => {
    const body = bytes(6 * MiB, 1);
    await src.write("o3", body);
    const checkpoint = join(ws.work, "parts.json");
    const argv = ["cp", srcAt("o3"), dstAt("o3"), "--checkpoint", checkpoint, ...FLAGS];
    // Parts 0-3 are stored, then every UploadPart fails.
    dstEmu.emulator.setFaults([{ kind: "status", status: 500, operation: "UploadPart", skip: 4 }]);
    try {
      expect((await cli(argv)).code).not.toBe(0);
    } finally {
      dstEmu.emulator.setFaults([]);
    }
    const multipartId = (await readCheckpoint(checkpoint)).uploads["o3"]?.multipartId;
    expect(multipartId).toBeDefined();
    // Part 1 replaced by other bytes of the same size behind the CLI's back.
    await dst.writeMultipart({ path: "o3", mode: "part", multipartId: multipartId! }, bytes(MiB, 99), { index: 1 });

    const second = await cli(argv);
    expect(second.stderr).not.toContain("IntegrityMismatch");
    expect(second.code).toBe(0);
    expect((await dst.read("o3")).equals(body)).toBe(true);
    // Parts 0, 2 and 3 were read, found right and kept; 4 and 5 (missing) were sent by the attempt
    // resumed at 4 MiB, 1 (wrong) by the retry from 0, which found 4 and 5 stored.
    expect(second.stats?.parts).toEqual({ resumedUploads: 1, skipped: 3 });
    expect(second.stats?.bytes).toMatchObject({ sent: 3 * MiB, resumed: 3 * MiB });
    expect(await exists(checkpoint)).toBe(false);
  });
});
