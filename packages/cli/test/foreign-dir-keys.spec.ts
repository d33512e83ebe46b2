/**
 * Another client's key ending in `/` that holds bytes (`x/n/`, 25 bytes): its path names a
 * directory, so no path reads those bytes. Listings leave it out, never silently (review-list
 * F3): a prefix listing, and the dir listing of that directory, warn (`STOWAGE_UNLISTED_KEYS`),
 * so `stowage cp -r` warns (and exits 10: jest's sandbox delivers no process warning, so the
 * CLI's count of them is tested in a child process, unlisted-scope.spec.ts); a zero-byte marker
 * (`x/m/`) stays silent. The keys are written by
 * each driver itself, below core's path rules, on the protocol emulators (127.0.0.1), in process.
 */
import { afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { join } from "node:path";
import { newStorager, UNLISTED_KEYS_WARNING, type ObjectInfo } from "@stowage/core";
import { readTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";
import { rawDriver } from "./raw-driver.js";

type Provider = "cos" | "oss" | "qingstor";

const BUCKET: Record<Provider, string> = { cos: "fdk-1250000000", oss: "fdk-bucket", qingstor: "fdk-bucket" };

const ws = useWorkspace({ prefix: "stowage-dir-keys-" });
const run = inProcess(ws);
let warn: ReturnType<typeof jest.spyOn> | undefined;
const unlisted = (): string[] =>
  (warn!.mock.calls as unknown[][]).filter((c) => (c[1] as { code?: string } | undefined)?.code === UNLISTED_KEYS_WARNING).map((c) => String(c[0]));

async function paths(items: AsyncIterable<ObjectInfo>): Promise<string[]> {
  const out: string[] = [];
  for await (const o of items) out.push(o.path);
  return out;
}

describe.each(["cos", "oss", "qingstor"] as const)("%s: another client's `x/` key that holds bytes", (provider) => {
  const emu = useEmulator({ provider, buckets: [BUCKET[provider]] });
  let conn: string;

  beforeAll(async () => {
    conn = emu.emulator.connectionString(BUCKET[provider]);
    const driver = rawDriver(provider, conn);
    const put = (key: string, text: string) => driver.write(key, { data: Buffer.from(text), size: Buffer.byteLength(text) }, {});
    await put("x/n/", "twenty-five bytes of data");
    await put("x/m/", "");
    await put("x/n/c", "c");
    await put("x/k", "kkkkkk");
  });

  const catchWarnings = (): void => {
    warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  };
  afterEach(() => {
    warn?.mockRestore();
    warn = undefined;
  });

  it("a prefix listing leaves it out with a warning naming it; a zero-byte marker stays silent", async () => {
    catchWarnings();
    const store = newStorager(conn);
    expect(await paths(store.list("x/", { mode: "prefix" }))).toEqual(["x/k", "x/n/c"]);
    expect(unlisted()).toHaveLength(1);
    expect(unlisted()[0]).toMatch(/^1 key in the /);
    expect(unlisted()[0]).toContain('"x/n/" (ends in "/" (a directory) but holds 25 bytes)');
    expect(unlisted()[0]).not.toContain("x/m/");
  });

  it("so does the dir listing of that directory; the listing of its parent shows it as a dir", async () => {
    catchWarnings();
    const store = newStorager(conn);
    expect(await paths(store.list("x/n/", { mode: "dir" }))).toEqual(["x/n/c"]);
    expect(unlisted()).toHaveLength(1);
    expect(unlisted()[0]).toContain('"x/n/"');
    expect(await paths(store.list("x/", { mode: "dir" }))).toEqual(["x/k", "x/m/", "x/n/"]);
    expect(unlisted()).toHaveLength(1);
    expect(await paths(store.list("x/m/", { mode: "dir" }))).toEqual([]);
    expect(unlisted()).toHaveLength(1);
  });

  it("stowage cp -r copies the rest and reports it (the warning that makes the CLI exit 10)", async () => {
    catchWarnings();
    const dst = join(ws.work, `${provider}-copy`);
    const cp = await run(["cp", "-r", "e:x/", `${dst}/`], { env: { STOWAGE_PROFILE_E: conn } });
    expect(cp.code).toBe(0);
    expect(unlisted()).toHaveLength(1);
    expect(unlisted()[0]).toContain('"x/n/" (ends in "/" (a directory) but holds 25 bytes)');
    expect(await readTree(dst)).toEqual({ k: "kkkkkk", "n/c": "c" });
  });

  it("delete with mode dir refuses it (ObjectModeInvalid, kept), and stowage rm -r deletes everything but it", async () => {
    catchWarnings();
    const store = newStorager(conn);
    const driver = rawDriver(provider, conn);
    await driver.write("y/n/", { data: Buffer.from("foreign bytes"), size: 13 }, {});
    await driver.write("y/n/c", { data: Buffer.from("c"), size: 1 }, {});
    await driver.write("y/m/", { data: Buffer.alloc(0), size: 0 }, {});
    await expect(store.delete("y/n/", { mode: "dir" })).rejects.toMatchObject({ code: "ObjectModeInvalid", message: expect.stringContaining("holds 13 bytes") });
    expect((await driver.stat("y/n/", {})).size).toBe(13);
    // A zero-byte marker, and one that is not there, are deleted as before.
    await store.delete("y/m/", { mode: "dir" });
    await expect(driver.stat("y/m/", {})).rejects.toMatchObject({ code: "ObjectNotExist" });
    // One HEAD of the marker, no listing of what lies below it, then the DELETE.
    emu.emulator.resetStats();
    await store.delete("y/gone/", { mode: "dir" });
    const ops = emu.emulator.stats().byOperation;
    expect(Object.values(ops).reduce((a, b) => a + b, 0)).toBe(2);
    expect(Object.keys(ops).some((op) => /list/i.test(op))).toBe(false);

    const rm = await run(["rm", "-r", "--yes", "e:y/"], { env: { STOWAGE_PROFILE_E: conn } });
    // The kept key is named, and the exit code says the directory was not all removed.
    expect(rm.stderr).toContain("rm n/: directory kept: ObjectModeInvalid");
    expect(rm.code).toBe(10);
    await expect(driver.stat("y/n/c", {})).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await driver.stat("y/n/", {})).size).toBe(13);
  });
});
