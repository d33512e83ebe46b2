/**
 * Keys another client wrote that no Stowage path can address (`f/a\b`: `\` is read as `/`, so its
 * listed path names `f/a/b`; `f/x//y`: empty segments are refused) are left out of listings with
 * a warning, and the command exits 10: `cp -r` copies the rest and never `f/a/b`'s bytes under
 * the other name, `rm -r` deletes the rest, ends (a dir walk used to list `f/x//` for ever) and
 * never deletes `f/a/b` for `f/a\b`. The built binary against the OSS emulator; the foreign keys
 * are written by the oss driver itself, below core's path rules.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { getService, resolveOpenConfig, type StorageDriver } from "@stowage/core";
import { cleanEnv, ensureBuilt, readTree, removeDir, ROOT, runCli, tempDir } from "./helpers.js";

const BUCKET = "cli-foreign";
const ready = existsSync(join(ROOT, "packages/oss/dist/index.js"));
const suite = ready ? describe : describe.skip;

interface Emulator {
  connectionString(bucket: string, workDir?: string): string;
  stats(): { byOperation: Record<string, number> };
  resetStats(): void;
  stop(): Promise<void>;
}

let emulator: Emulator | undefined;
let driver: StorageDriver;
let work: string;
let env: NodeJS.ProcessEnv;
const cli = (args: string[]) => runCli(args, { env, cwd: work, timeoutMs: 30_000 });

/** Every key in the bucket under `prefix`, straight from the driver. */
async function keys(prefix: string): Promise<string[]> {
  const page = await driver.listPage({ prefix, limit: 1000 }, {});
  return page.items.map((o) => o.key).sort();
}

async function put(key: string, text: string): Promise<void> {
  await driver.write(key, { data: Buffer.from(text), size: Buffer.byteLength(text) }, {});
}

suite("keys no path can address, on the OSS emulator", () => {
  beforeAll(async () => {
    ensureBuilt();
    const { startEmulator } = (await import("@stowage/emulator")) as unknown as {
      startEmulator(o: { provider: "oss"; buckets: string[] }): Promise<Emulator>;
    };
    emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
    await import("@stowage/oss");
    const definition = getService("oss")!;
    const conn = emulator.connectionString(BUCKET);
    const resolved = resolveOpenConfig(definition, conn, "storager");
    driver = definition.newStorageDriver(resolved.config, resolved.defaults);
    work = await tempDir();
    env = cleanEnv(join(work, "home"), { STOWAGE_PROFILE_E: conn });
    await put("f/a/b", "SLASH-OBJECT");
    await put("f/a\\b", "BACKSLASH");
    await put("f/x//y", "DOUBLE");
    await put("f/ok", "OK");
  });

  afterAll(async () => {
    await emulator?.stop();
    if (work) await removeDir(work);
  });

  it("cp -r copies the addressable objects only, warns about the others and exits 10", async () => {
    const r = await cli(["cp", "-r", "e:f/", "copy/"]);
    expect(r.code).toBe(10);
    expect(await readTree(join(work, "copy"))).toEqual({ "a/b": "SLASH-OBJECT", ok: "OK" });
    expect(r.stderr).toContain('"f/a\\\\b" (backslash)');
    expect(r.stderr).toContain('"f/x//y" (empty segment)');
    expect(r.stderr).toContain("objects were left out: 1 listing holds keys no path can address");
  });

  it("rm -r ends after a few listings, deletes what it can address, leaves the rest and exits 10", async () => {
    emulator!.resetStats();
    const r = await cli(["rm", "-r", "--yes", "e:f/"]);
    expect([r.code, r.signal]).toEqual([10, null]);
    expect(await keys("f/")).toEqual(["f/a\\b", "f/x//y"]);
    expect(emulator!.stats().byOperation["ListObjects"]).toBeLessThan(10);
    expect(r.stderr).toContain('"f/x//" (empty segment)');
    expect(r.stderr).toContain('"f/a\\\\b" (backslash)');
    expect(r.stderr).toContain("rm: deleted 2 objects");
  });
});
