/**
 * Runs that break one stale checkpoint lock at the same moment (review-concurrent MEDIUM 1): of
 * several processes calling lockCheckpoint together on a checkpoint whose lock names a process that
 * is gone (or, as in the state directory, a lock file naming nobody: an empty one), exactly one
 * takes the lock and the others find it held by that one. Before the fix the stale check and the
 * removal were two steps, and one run removed the fresh lock another had just taken: 2, 3 or 4
 * holders in a round (6 rounds of 20 in the review; here about 1 in 8 of the rounds with a dead
 * pid and 1 in 2 with an empty file failed on the old code). The processes run the built
 * dist (`tsc -b` first), as the CLI specs do: the lock names process ids, so the callers must be
 * processes of their own, not threads of this one.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { lockCheckpoint } from "../src/transfer/checkpoint-lock.js";
import { ensureBuilt, ROOT } from "./helpers.js";
import { useWorkspace } from "./workspace.js";

const PROCESSES = 4;
const ROUNDS = 24;
const ws = useWorkspace();

/** A caller: told `<checkpoint> <epoch ms>`, it waits for that moment, calls lockCheckpoint and prints what it got; it keeps a lock it took until it exits. */
const CALLER = `
import { createInterface } from "node:readline";
const { lockCheckpoint } = await import(process.argv[2]);
const held = [];
for await (const line of createInterface({ input: process.stdin })) {
  const [checkpoint, at] = line.split(" ");
  while (Date.now() < Number(at)) await new Promise((resolve) => setTimeout(resolve, 0));
  try {
    const r = await lockCheckpoint(checkpoint);
    if ("lock" in r) held.push(r.lock);
    console.log(JSON.stringify("lock" in r ? { took: true } : { took: false, holder: r.holder.pid }));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e) }));
  }
}
`;

interface Caller {
  child: ChildProcess;
  next: () => Promise<{ took?: boolean; holder?: number; error?: string }>;
}

const callers: Caller[] = [];

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

beforeAll(async () => {
  ensureBuilt();
  const script = join(ws.work, "caller.mjs");
  await writeFile(script, CALLER);
  const module = pathToFileURL(join(ROOT, "packages/cli/dist/transfer/checkpoint-lock.js")).href;
  for (let i = 0; i < PROCESSES; i++) {
    const child = spawn(process.execPath, [script, module], { stdio: ["pipe", "pipe", "inherit"] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    callers.push({ child, next: async () => JSON.parse(String((await lines.next()).value)) as { took?: boolean; holder?: number } });
  }
});

afterAll(async () => {
  await Promise.all(
    callers.map(async ({ child }) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin!.end();
      await exited;
    }),
  );
});

describe("a stale checkpoint lock broken by several runs at once", () => {
  it(`is taken by exactly one of ${PROCESSES} runs, and the others name it as the holder (${ROUNDS} rounds, a dead pid's lock and an empty one in turn)`, async () => {
    const dead = await deadPid();
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const dir = join(ws.work, `round-${round}`);
      await mkdir(dir);
      const checkpoint = join(dir, "cp.json");
      const stale = round % 2 === 0 ? JSON.stringify({ pid: dead, host: hostname() }) : "";
      await writeFile(`${checkpoint}.lock`, stale);
      const at = Date.now() + 50;
      for (const { child } of callers) child.stdin!.write(`${checkpoint} ${at}\n`);
      const got = await Promise.all(callers.map(({ next }) => next()));
      const takers = callers.filter((_, i) => got[i]!.took === true).map(({ child }) => child.pid!);
      const lock = JSON.parse(await readFile(`${checkpoint}.lock`, "utf8")) as { pid: number };
      // One holder: the pid at the lock's name, which every other run names; no token or temp file left.
      const held = got.every((g, i) => (g.took === true ? callers[i]!.child.pid === lock.pid : g.holder === lock.pid));
      const left = (await readdir(dir)).filter((n) => n !== "cp.json.lock");
      outcomes.push(`round ${round} (${stale === "" ? "empty" : "dead pid"}): ${takers.length} took (${JSON.stringify(got)}, lock names ${lock.pid}${left.length > 0 ? `, left ${left.join(" ")}` : ""})`);
      if (takers.length !== 1 || !held || left.length > 0) outcomes.push("  ^ not exactly one holder");
    }
    expect(outcomes.filter((o) => o.includes("not exactly one holder")).length === 0 ? "ok" : outcomes.join("\n")).toBe("ok");
  }, 30_000);
});

/** The break token of the file at `lock` as checkpoint-lock.ts names it: `<lock>.<16 hex digits of its identity>.tmp`. */
async function tokenOf(lock: string): Promise<string> {
  const st = await lstat(lock, { bigint: true });
  return `${lock}.${createHash("sha256").update(`${st.dev}:${st.ino}:${st.ctimeNs}:${st.birthtimeNs}`).digest("hex").slice(0, 16)}.tmp`;
}

describe("a break token a run killed in the middle of a break left", () => {
  it("does not keep the stale lock from being taken: a dead pid's at once, a live one's once 10 seconds old", async () => {
    const dead = await deadPid();
    for (const [name, token] of [
      ["dead-breaker", { pid: dead, young: true }],
      ["old-token", { pid: process.ppid, young: false }],
    ] as const) {
      const dir = join(ws.work, name);
      await mkdir(dir);
      const checkpoint = join(dir, "cp.json");
      await writeFile(`${checkpoint}.lock`, JSON.stringify({ pid: dead, host: hostname() }));
      const path = await tokenOf(`${checkpoint}.lock`);
      await writeFile(path, JSON.stringify({ pid: token.pid, host: hostname() }));
      if (!token.young) await utimes(path, new Date(Date.now() - 11_000), new Date(Date.now() - 11_000));
      const started = Date.now();
      const taken = await lockCheckpoint(checkpoint);
      expect([name, "lock" in taken]).toEqual([name, true]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(JSON.parse(await readFile(`${checkpoint}.lock`, "utf8"))).toMatchObject({ pid: process.pid });
      expect(await readdir(dir)).toEqual(["cp.json.lock"]);
      if ("lock" in taken) await taken.lock.release();
    }
  });
});
