/**
 * A failed write to stdout (review-cli-cmds M2, M3). A reader that goes away (EPIPE) stops the
 * command quietly and never turns a failure into success: the command's own code, else 141. Other
 * write errors (ENOSPC, EBADF) are said in one line and exit 1, or the command's own code. Run in
 * process through `run()` with a stdout that fails, and as the built binary on a real pipe, on
 * /dev/full and with its stdout closed.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { run, type CliIO } from "../src/index.js";
import { CLI, ensureBuilt, finished, spawnCli, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";

const ws = useWorkspace();
/** 120 characters: 2000 such lines are more than a pipe holds. */
const LONG = "n".repeat(120);

beforeAll(async () => {
  ensureBuilt();
  const files: Record<string, string> = {};
  for (let i = 0; i < 2000; i++) files[`${LONG}${i}`] = String(i);
  await writeTree(join(ws.work, "many"), files);
  await mkdir(join(ws.work, "empty"));
});

/** A stdout that takes `ok` writes, then fails every one with `code`. */
function failingStdout(code: string, ok: number): Writable {
  let writes = 0;
  return new Writable({
    write(_chunk, _encoding, callback) {
      if (writes++ < ok) return callback();
      callback(Object.assign(new Error(`${code}: failed, write`), { code, syscall: "write" }));
    },
  });
}

/** `run(args)` in process with `stdout`; the exit code and stderr. */
async function runWith(args: string[], stdout: Writable): Promise<{ code: number; stderr: string }> {
  const err: Buffer[] = [];
  const stderr = new PassThrough().on("data", (c: Buffer) => err.push(c));
  const stdin = new PassThrough();
  stdin.end();
  const io: CliIO = { stdin, stdout, stderr, env: ws.env, cwd: ws.work, stderrIsTTY: false, stdinIsTTY: false };
  const code = await run(args, io);
  return { code, stderr: Buffer.concat(err).toString("utf8") };
}

describe("in process: a stdout whose writes fail", () => {
  it("EPIPE: a command that found differences keeps its code (verify: 13); one that had not failed exits 141; nothing is said", async () => {
    expect(await runWith(["verify", "./many/", "./empty/"], failingStdout("EPIPE", 1))).toEqual({ code: 13, stderr: "" });
    expect(await runWith(["ls", "-r", "./many/"], failingStdout("EPIPE", 1))).toEqual({ code: 141, stderr: "" });
  });

  it("ENOSPC and the like: one line naming the error, exit 1 (or the command's own code)", async () => {
    for (const args of [["ls", "-r", "--json", "./many/"], ["stat", "--json", `./many/${LONG}1`], ["ls", "./many/"]]) {
      const r = await runWith(args, failingStdout("ENOSPC", 0));
      expect([args[0], r.code, r.stderr]).toEqual([args[0], 1, "stowage: cannot write the output: ENOSPC: failed, write\n"]);
    }
    const verify = await runWith(["verify", "./many/", "./empty/"], failingStdout("ENOSPC", 0));
    expect([verify.code, verify.stderr]).toEqual([13, "stowage: cannot write the output: ENOSPC: failed, write\n"]);
  });
});

describe("the binary", () => {
  /** Runs the binary with its stdout on a pipe that is closed after the first chunk. */
  async function readOneChunk(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawnCli(args, { env: ws.env, cwd: ws.work });
    child.stdin?.end();
    child.stdout?.once("data", () => child.stdout?.destroy());
    const r = await finished(child);
    return { code: r.code, stderr: r.stderr };
  }

  it("a reader that stops reading (| head -1) leaves verify's 13, and gives ls -r 141, quietly", async () => {
    const verify = await readOneChunk(["verify", "./many/", "./empty/"]);
    expect(verify.code).toBe(13);
    expect(verify.stderr).not.toMatch(/EPIPE|unexpected/);
    const ls = await readOneChunk(["ls", "-r", "./many/"]);
    expect([ls.code, ls.stderr]).toEqual([141, ""]);
  });

  const full = existsSync("/dev/full") ? it : it.skip;
  full("stdout on /dev/full: ls --json, stat --json and ls exit 1 with one line", async () => {
    for (const args of [["ls", "-r", "--json", "./many/"], ["stat", "--json", `./many/${LONG}1`], ["ls", "./many/"]]) {
      const fd = openSync("/dev/full", "w");
      try {
        const child = spawn(process.execPath, [CLI, ...args], { cwd: ws.work, env: ws.env, stdio: ["ignore", fd, "pipe"] });
        const r = await finished(child);
        expect([args[0], r.code, r.stderr]).toEqual([args[0], 1, "stowage: cannot write the output: ENOSPC: no space left on device, write\n"]);
      } finally {
        closeSync(fd);
      }
    }
  });

  it("a stdout on /dev/null, or closed at the start (Node puts /dev/null there), is no failure", async () => {
    const sh = (command: string) => finished(spawn("/bin/sh", ["-c", command], { cwd: ws.work, env: ws.env, stdio: ["pipe", "pipe", "pipe"] }));
    const node = JSON.stringify(process.execPath);
    for (const redirect of ["> /dev/null", ">&-"]) {
      const r = await sh(`${node} ${JSON.stringify(CLI)} ls ./many/ ${redirect}`);
      expect([redirect, r.code, r.stderr]).toEqual([redirect, 0, ""]);
    }
  });
});
