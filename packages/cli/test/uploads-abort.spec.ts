/**
 * review-scale LOW-1: `stowage uploads --abort` aborts several uploads at once (UPLOAD_ABORTS), with
 * a progress line (`uploads: aborting N/M uploads`), and reports each upload whose abort failed. Memory
 * storages of this spec's own whose abort holds one upload until the test lets it go ("held"), or
 * refuses one ("refusing"), share the memory service's stores.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { PassThrough } from "node:stream";
import { ErrorCode, newStorager, storageError } from "@stowage/core";
import "@stowage/memory";
import { CountProgress } from "../src/count-progress.js";
import { UPLOAD_ABORTS } from "../src/upload-aborts.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { watched } from "./cli-run.js";

const ws = useWorkspace();
const watch = watched(ws);

/** Let go of the held abort (set while one is held). */
let release: (() => void) | undefined;
useMemoryVariant("held", (driver) => {
  const abort = driver.abortMultipart!.bind(driver);
  driver.abortMultipart = async (key, id, options) => {
    if (key.endsWith("k05")) await new Promise<void>((resolve) => (release = resolve));
    return abort(key, id, options);
  };
  return driver;
});
useMemoryVariant("unanswered", (driver) => {
  // The abort is carried out, then its answer is lost (as a connection reset after the request went).
  const abort = driver.abortMultipart!.bind(driver);
  driver.abortMultipart = async (key, id, options) => {
    await abort(key, id, options);
    if (key.endsWith("0lost")) throw storageError(ErrorCode.ServiceInternal, "network failure: ECONNRESET", { retryable: true });
  };
  return driver;
});
useMemoryVariant("refusing", (driver) => {
  const abort = driver.abortMultipart!.bind(driver);
  driver.abortMultipart = (key, id, options) => (key.endsWith("0bad") ? Promise.reject(storageError(ErrorCode.PermissionDenied, "Access Denied.")) : abort(key, id, options));
  return driver;
});
afterEach(() => {
  release = undefined;
});

/** `stowage <argv...>` in this process, stderr seen as it is written (the whole of it so far). */
const stowage = (argv: string[], onStderr?: (all: string) => void): Promise<{ code: number; stdout: string; stderr: string }> =>
  watch(argv, onStderr === undefined ? {} : { stderr: onStderr });

/** Starts `n` uploads at `u/k00`, `u/k01`, … (and `extra` keys) in the memory store `name`. */
async function startUploads(name: string, n: number, extra: string[] = []): Promise<void> {
  const store = newStorager(`memory://${name}/`);
  for (const key of [...extra, ...Array.from({ length: n }, (_, i) => `u/k${String(i).padStart(2, "0")}`)]) await store.createMultipart(key);
}

/** The uploads left in the memory store `name`. */
async function uploadsLeft(name: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of newStorager(`memory://${name}/`).list("", { mode: "part" })) out.push(o.path);
  return out.sort();
}

describe("uploads --abort", () => {
  it("goes on with the others while one abort is under way, and says how far it is", async () => {
    await startUploads("abort-held", 12);
    // The held abort is let go once a line shows the 11 others finished: one at a time, it would
    // have held them all back.
    const r = await stowage(["--progress", "lines", "--progress-interval", "0.01", "uploads", "--abort", "--yes", "held://abort-held/"], (all) => {
      if (/^uploads: aborting 11\/12 uploads$/m.test(all)) release?.();
    });
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines.at(-1)).toBe("uploads: aborted 12 uploads");
    const counts = lines.slice(0, -1).map((l) => /^uploads: aborting (\d+)\/12 uploads$/.exec(l)?.[1]);
    expect(counts.every((c) => c !== undefined && Number(c) <= 12)).toBe(true);
    expect(await uploadsLeft("abort-held")).toEqual([]);
  });

  it("names the upload whose abort failed, finishes those in flight, starts no more, and exits with its code", async () => {
    await startUploads("abort-refused", 20, ["u/0bad"]);
    const r = await stowage(["uploads", "--abort", "--yes", "refusing://abort-refused/"]);
    const id = r.stderr.match(/^stowage: uploads u\/0bad (\S+): not aborted: PermissionDenied: Access Denied\.$/m)?.[1];
    expect(id).toBeDefined();
    // u/0bad is listed first: the UPLOAD_ABORTS - 1 started with it are aborted, the rest never sent.
    const notSent = 21 - UPLOAD_ABORTS;
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      `stowage: uploads u/0bad ${id}: not aborted: PermissionDenied: Access Denied.`,
      `stowage: uploads: ${notSent} more not attempted after the failure`,
      `uploads: aborted ${UPLOAD_ABORTS - 1} of 21 uploads, failed 1, not attempted ${notSent}`,
    ]);
    expect(r.code).toBe(4);
    expect(await uploadsLeft("abort-refused")).toHaveLength(notSent + 1);
  });
});

describe("uploads --abort, an abort without an answer", () => {
  it("is named not confirmed aborted (it may be gone), and counted so", async () => {
    await startUploads("abort-lost", 0, ["u/0lost"]);
    const r = await stowage(["uploads", "--abort", "--yes", "unanswered://abort-lost/"]);
    const id = r.stderr.match(/^stowage: uploads u\/0lost (\S+): /m)?.[1];
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      `stowage: uploads u/0lost ${id}: not confirmed aborted: ServiceInternal: network failure: ECONNRESET (it may be gone)`,
      "uploads: aborted 0 of 1 upload, failed 1 (1 not confirmed aborted)",
    ]);
    expect(r.code).not.toBe(0);
    // It was aborted in fact.
    expect(await uploadsLeft("abort-lost")).toEqual([]);
  });
});

describe("CountProgress", () => {
  it("counts what finished of the total in its line", () => {
    const progress = new CountProgress({ mode: "none", stream: new PassThrough(), intervalMs: 1000, label: "uploads", doing: "aborting", items: "uploads", total: 30 });
    progress.start();
    for (let i = 0; i < 3; i++) progress.tick();
    progress.stop();
    expect(progress.line()).toBe("uploads: aborting 3/30 uploads");
  });
});
