/**
 * A transfer whose credential the service refuses part way (an expired or revoked key or token):
 * once a write (or a compare's stat) is refused with a service code that says so, no object not
 * yet started is tried, the run ends with one line saying how many were not attempted, and exits 4
 * (PermissionDenied); a re-run with working credentials copies the rest. A plain `AccessDenied` on
 * one object (a policy on one prefix) stops nothing. Services of the spec's own (memory
 * underneath): "expiring" refuses every write after the first `allowed` (and every stat while
 * `statsRefused`) with `InvalidAccessKeyId`, as COS and OSS do for a revoked key; "policed" refuses
 * writes of keys starting with `locked` with `AccessDenied`; "mixed" refuses the write of `a-bad`
 * with `InvalidArgument`, then, after `allowed` writes, every write with `ExpiredToken`.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { ErrorCode, newStorager, storageError } from "@stowage/core";
import { EXIT_CODES } from "../src/errors.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess, withStats } from "./cli-run.js";
import { writeTree } from "./helpers.js";

interface Stats {
  objects: { planned: number; copied: number; skipped: number; failed: number; notAttempted: number };
  failures: Array<{ path: string; code: string }>;
}

const ws = useWorkspace();
const run = inProcess(ws);

/** What "expiring" and "mixed" let through, and what they were asked. */
const state = { allowed: Infinity, writes: 0, statsRefused: false, stats: 0 };

const refusal = (code: string): Error =>
  storageError(ErrorCode.PermissionDenied, `put_object: ${code}: The access key Id you provided does not exist in our records.`, { serviceCode: code, statusCode: 403, credentialRefused: true });

useMemoryVariant("expiring", (driver) => {
  const write = driver.write.bind(driver);
  const stat = driver.stat.bind(driver);
  const listPage = driver.listPage.bind(driver);
  driver.write = (key, body, options) => (++state.writes > state.allowed ? Promise.reject(refusal("InvalidAccessKeyId")) : write(key, body, options));
  driver.stat = (key, options) => {
    state.stats++;
    return state.statsRefused ? Promise.reject(refusal("InvalidAccessKeyId")) : stat(key, options);
  };
  // Listed without CRC-64, as some services list: a compare by content then stats the object.
  driver.listPage = async (request, options) => {
    const page = await listPage(request, options);
    return { ...page, items: page.items.map(({ crc64: _crc64, ...rest }) => rest) };
  };
  return driver;
});
useMemoryVariant("policed", (driver) => {
  const write = driver.write.bind(driver);
  driver.write = (key, body, options) =>
    key.split("/").pop()!.startsWith("locked") ? Promise.reject(storageError(ErrorCode.PermissionDenied, "put_object: AccessDenied: Access Denied.", { serviceCode: "AccessDenied", statusCode: 403 })) : write(key, body, options);
  return driver;
});
useMemoryVariant("mixed", (driver) => {
  const write = driver.write.bind(driver);
  driver.write = (key, body, options) => {
    if (key.endsWith("a-bad.txt")) return Promise.reject(storageError(ErrorCode.InvalidArgument, "put_object: InvalidArgument: refused"));
    return ++state.writes > state.allowed ? Promise.reject(refusal("ExpiredToken")) : write(key, body, options);
  };
  return driver;
});

const FILES = 30;
const names = Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(2, "0")}.txt`);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), Object.fromEntries(names.map((n, i) => [n, `body ${i}`])));
  await writeTree(join(ws.work, "mixed"), { "a-bad.txt": "bad", ...Object.fromEntries(names.map((n) => [`b-${n}`, n])) });
});

/** Keys of the named memory store. */
async function keysOf(store: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of newStorager(`memory://${store}/`).list("", { mode: "prefix" })) keys.push(o.path);
  return keys.sort();
}

const CLOSING = /^stowage: sync: the credential was refused \(InvalidAccessKeyId on memory (?:write|stat)\): (\d+) objects? not attempted; re-run with fresh credentials to resume/;

describe("a transfer whose credential is refused part way", () => {
  it("tries no object after the refusal: the ones in flight fail, the rest are counted not attempted, one closing line, exit 4; a re-run copies the rest", async () => {
    Object.assign(state, { allowed: 5, writes: 0 });
    const r = await withStats<Stats>(run(["sync", "src", "expiring://cs-sync/", "--small-concurrency", "2", "--stats-json"]));
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    const s = r.stats!;
    expect(s.objects.copied).toBe(5);
    // Only the writes in flight when the first was refused (at most the 2 the lane runs) were sent, and failed.
    expect(s.objects.failed).toBeGreaterThanOrEqual(1);
    expect(s.objects.failed).toBeLessThanOrEqual(2);
    expect(state.writes).toBe(5 + s.objects.failed);
    expect(s.objects.notAttempted).toBe(FILES - 5 - s.objects.failed);
    expect(s.failures.every((f) => f.code === "PermissionDenied")).toBe(true);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines.filter((l) => l.includes("InvalidAccessKeyId: The access key"))).toHaveLength(s.objects.failed);
    expect(lines.at(-1)).toMatch(CLOSING);
    expect(CLOSING.exec(lines.at(-1)!)?.[1]).toBe(String(s.objects.notAttempted));
    expect(r.stderr).toContain(`not attempted ${s.objects.notAttempted}`);
    expect(await keysOf("cs-sync")).toHaveLength(5);

    Object.assign(state, { allowed: Infinity, writes: 0 });
    const again = await withStats<Stats>(run(["sync", "src", "expiring://cs-sync/", "--stats-json"]));
    expect(again.code).toBe(0);
    expect(again.stats!.objects).toMatchObject({ copied: FILES - 5, skipped: 5, failed: 0, notAttempted: 0 });
    expect(await keysOf("cs-sync")).toEqual(names);
  });

  it("a compare (sync --checksum) refused for the credential stops the compares not started and every copy: nothing is written", async () => {
    Object.assign(state, { allowed: Infinity, writes: 0 });
    expect((await run(["sync", "src", "expiring://cs-compare/"])).code).toBe(0);
    Object.assign(state, { writes: 0, stats: 0, statsRefused: true });
    try {
      // The compare's stats run at --small-concurrency (compare-concurrency.spec.ts).
      const r = await withStats<Stats>(run(["sync", "src", "expiring://cs-compare/", "--checksum", "--small-concurrency", "8", "--stats-json"]));
      expect(r.code).toBe(EXIT_CODES.PermissionDenied);
      const s = r.stats!;
      // The compares in flight (8 at most) were refused; none started after.
      expect(state.stats).toBeLessThanOrEqual(8);
      expect(s.objects.failed).toBe(state.stats);
      expect(s.objects.notAttempted).toBe(FILES - s.objects.failed);
      expect(state.writes).toBe(0);
      const lines = r.stderr.split("\n").filter(Boolean);
      expect(lines.filter((l) => l.includes("comparing it with the destination failed"))).toHaveLength(s.objects.failed);
      expect(lines.at(-1)).toMatch(CLOSING);
    } finally {
      state.statsRefused = false;
    }
  });

  it("a plain AccessDenied on one object (a policy, not the credential) stops nothing: every other object is copied", async () => {
    const tree = Object.fromEntries(names.slice(0, 10).map((n) => [n, n]));
    await writeTree(join(ws.work, "policy"), { ...tree, "locked-1.txt": "no" });
    const r = await withStats<Stats>(run(["sync", "policy", "policed://cs-policy/", "--small-concurrency", "1", "--stats-json"]));
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    expect(r.stats!.objects).toMatchObject({ copied: 10, failed: 1, notAttempted: 0 });
    expect(r.stderr).not.toContain("the credential was refused");
    expect(await keysOf("cs-policy")).toEqual(Object.keys(tree).sort());
  });

  it("exits 4 after a credential refusal even when an earlier object failed with another code", async () => {
    Object.assign(state, { allowed: 3, writes: 0 });
    const r = await withStats<Stats>(run(["sync", "mixed", "mixed://cs-mixed/", "--small-concurrency", "1", "--stats-json"]));
    expect(r.stats!.failures.map((f) => f.code)).toEqual(["InvalidArgument", "PermissionDenied"]);
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    expect(r.stats!.objects).toMatchObject({ copied: 3, failed: 2, notAttempted: FILES - 4 });
    expect(r.stderr).toMatch(/the credential was refused \(ExpiredToken on memory write\): 26 objects not attempted/);
  });
});
