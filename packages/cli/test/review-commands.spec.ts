/**
 * Regression tests for the review of the CLI's commands (.work/review-cli-cmds/findings.md): stat
 * of a missing bucket's root (M5), ln over an existing file (L1), Ctrl-D at a confirmation prompt
 * (L4) and uploads of a missing directory (L6).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, readFile, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { run, type CliIO } from "../src/index.js";
import { registerBundledDrivers } from "../src/drivers.js";
import { exists, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);

beforeAll(async () => {
  registerBundledDrivers();
});

describe("stat of a bucket's root (M5)", () => {
  const cases = [
    { provider: "cos", bucket: "statroot-1250000000", missing: "nobkt-1250000000" },
    { provider: "oss", bucket: "statroot", missing: "nobkt" },
    { provider: "qingstor", bucket: "statroot", missing: "nobucket" },
  ] as const;
  const emulators: Emulator[] = [];
  afterAll(async () => {
    for (const e of emulators) await e.stop();
  });

  it.each(cases)("$provider: a missing bucket exits 3 as ls and du do, naming it; the bucket that exists is a directory", async ({ provider, bucket, missing }) => {
    const emulator = await startEmulator({ provider, buckets: [bucket], host: "127.0.0.1" });
    emulators.push(emulator);
    const real = emulator.connectionString(bucket);
    const typo = real.replace(bucket, missing);
    expect(typo).not.toBe(real);
    const stat = await cli(["stat", typo]);
    expect([stat.code, stat.stdout]).toEqual([3, ""]);
    expect(stat.stderr).toContain("ObjectNotExist");
    expect(stat.stderr).toContain(missing);
    expect(stat.stderr).toContain("no such bucket");
    expect((await cli(["stat", "--json", typo])).code).toBe(3);
    expect([(await cli(["ls", typo])).code, (await cli(["du", typo])).code]).toEqual([3, 3]);
    const ok = await cli(["stat", real]);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining("mode: dir")]);
  });
});

describe("ln over an existing object (L1)", () => {
  it("refuses to replace a file without --force (exit 2, bytes kept); replaces a link; --force replaces the file", async () => {
    await writeTree(join(ws.work, "ln"), { "data.txt": "important", "tgt.txt": "target", "other.txt": "other" });
    const refused = await cli(["ln", "./ln/tgt.txt", "./ln/data.txt"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("exists and is not a link: --force replaces it");
    expect(await readFile(join(ws.work, "ln/data.txt"), "utf8")).toBe("important");
    expect((await cli(["ln", "./ln/tgt.txt", "./ln/latest.txt"])).code).toBe(0);
    expect((await cli(["ln", "./ln/other.txt", "./ln/latest.txt"])).code).toBe(0);
    expect(await readlink(join(ws.work, "ln/latest.txt"))).toBe("other.txt");
    const forced = await cli(["ln", "--force", "./ln/tgt.txt", "./ln/data.txt"]);
    expect(forced.code).toBe(0);
    expect(await readlink(join(ws.work, "ln/data.txt"))).toBe("tgt.txt");
  });

  it("the same on memory: an object is kept without -f", async () => {
    const store = newStorager("memory://ln-force/");
    await store.write("obj.bin", Buffer.from("bytes"));
    expect((await cli(["ln", "memory://ln-force/t", "memory://ln-force/obj.bin"])).code).toBe(2);
    expect((await store.stat("obj.bin")).mode).toBe("file");
    expect((await cli(["ln", "-f", "memory://ln-force/t", "memory://ln-force/obj.bin"])).code).toBe(0);
    expect((await store.stat("obj.bin")).mode).toBe("link");
  });
});

describe("Ctrl-D at a confirmation prompt (L4)", () => {
  /** Runs `args` with a terminal-like stdin that ends (Ctrl-D) before an answer. */
  async function answerEof(args: string[]): Promise<{ code: number; stderr: string }> {
    const stdin = new PassThrough();
    stdin.end();
    const err: Buffer[] = [];
    const stderr = new PassThrough().on("data", (c: Buffer) => err.push(c));
    const io: CliIO = { stdin, stdout: new PassThrough().resume(), stderr, env: ws.env, cwd: ws.work, stderrIsTTY: false, stdinIsTTY: true };
    const code = await run(args, io);
    return { code, stderr: Buffer.concat(err).toString("utf8") };
  }

  it("rm -r: means no: nothing deleted, exit 0", async () => {
    await writeTree(join(ws.work, "confirm"), { "keep.txt": "keep" });
    const r = await answerEof(["rm", "-r", "./confirm/"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("rm: nothing deleted");
    expect(r.stderr).not.toContain("unexpected");
    expect(await exists(join(ws.work, "confirm/keep.txt"))).toBe(true);
  }, 10_000);

  it("uploads --abort: means no: nothing aborted, exit 0", async () => {
    const store = newStorager("memory://confirm-eof/");
    const upload = await store.createMultipart("big.bin");
    const r = await answerEof(["uploads", "--abort", "memory://confirm-eof/"]);
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining("uploads: nothing aborted")]);
    const left: string[] = [];
    for await (const o of store.list("", { mode: "part" })) left.push(o.multipartId ?? "");
    expect(left).toEqual([upload.multipartId]);
  }, 10_000);
});

describe("uploads of a location that is not there (L6)", () => {
  it("a missing local directory exits 3 as ls does; an empty one 0; a file 2", async () => {
    const missing = await cli(["uploads", "./no-such-dir/"]);
    expect([missing.code, (await cli(["ls", "./no-such-dir/"])).code]).toEqual([3, 3]);
    expect(missing.stderr).toContain("ObjectNotExist: ./no-such-dir/ does not exist");
    await mkdir(join(ws.work, "up-empty"));
    expect((await cli(["uploads", "./up-empty/"])).code).toBe(0);
    await writeFile(join(ws.work, "up-file.txt"), "x");
    expect((await cli(["uploads", "./up-file.txt"])).code).toBe(2);
  });

  it("a prefix that holds only uploads (none old enough) is there: exit 0", async () => {
    const store = newStorager("memory://up-young/");
    await store.createMultipart("p/big.bin");
    const r = await cli(["uploads", "--older-than", "7d", "memory://up-young/p/"]);
    expect([r.code, r.stdout]).toEqual([0, ""]);
  });
});

describe("uploads flags that only shape an abort (review-cli-cmds LOW)", () => {
  it("--yes or --dry-run without --abort is a usage error, nothing listed or aborted", async () => {
    const store = newStorager("memory://up-flags/");
    const upload = await store.createMultipart("big.bin");
    for (const flag of ["--yes", "--dry-run", "-n"]) {
      const r = await cli(["uploads", flag, "memory://up-flags/"]);
      expect([flag, r.code, r.stdout]).toEqual([flag, 2, ""]);
      expect(r.stderr).toMatch(/goe?s? with --abort/);
    }
    const left: string[] = [];
    for await (const o of store.list("", { mode: "part" })) left.push(o.multipartId ?? "");
    expect(left).toEqual([upload.multipartId]);
  });
});
