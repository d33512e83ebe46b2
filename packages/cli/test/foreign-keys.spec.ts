/**
 * Keys another client wrote that no Stowage path can address (`f/a\b`: `\` is read as `/`, so its
 * listed path names `f/a/b`; `f/x//y`: empty segments are refused) are left out of listings with
 * a warning, and the command exits 10: `cp -r` copies the rest and never `f/a/b`'s bytes under
 * the other name, `rm -r` deletes the rest, ends (a dir walk used to list `f/x//` for ever) and
 * never deletes `f/a/b` for `f/a\b`. The built binary against the OSS emulator; the foreign keys
 * are written by the oss driver itself, below core's path rules.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import type { StorageDriver } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary } from "./cli-run.js";
import { rawDriver } from "./raw-driver.js";
import { builtSuite, readTree } from "./helpers.js";

const BUCKET = "cli-foreign";
const suite = builtSuite(["oss"]);

const ws = useWorkspace();
const emu = useEmulator({ provider: "oss", buckets: [BUCKET] });
let driver: StorageDriver;
const cli = binary(ws, { env: () => ({ STOWAGE_PROFILE_E: emu.emulator.connectionString(BUCKET) }), timeoutMs: 30_000 });

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
    driver = rawDriver("oss", emu.emulator.connectionString(BUCKET));
    await put("f/a/b", "SLASH-OBJECT");
    await put("f/a\\b", "BACKSLASH");
    await put("f/x//y", "DOUBLE");
    await put("f/ok", "OK");
  });

  it("cp -r copies the addressable objects only, warns about the others and exits 10", async () => {
    const r = await cli(["cp", "-r", "e:f/", "copy/"]);
    expect(r.code).toBe(10);
    expect(await readTree(join(ws.work, "copy"))).toEqual({ "a/b": "SLASH-OBJECT", ok: "OK" });
    expect(r.stderr).toContain('"f/a\\\\b" (backslash)');
    expect(r.stderr).toContain('"f/x//y" (empty segment)');
    expect(r.stderr).toContain("objects were left out: 1 listing holds keys no path can address");
  });

  it("rm -r ends after a few listings, deletes what it can address, leaves the rest and exits 10", async () => {
    emu.emulator.resetStats();
    const r = await cli(["rm", "-r", "--yes", "e:f/"]);
    expect([r.code, r.signal]).toEqual([10, null]);
    expect(await keys("f/")).toEqual(["f/a\\b", "f/x//y"]);
    expect(emu.emulator.stats().byOperation["ListObjects"]).toBeLessThan(10);
    // One prefix listing (an object store has no directories to list one by one): it names the keys themselves.
    expect(r.stderr).toContain('"f/x//y" (empty segment)');
    expect(r.stderr).toContain('"f/a\\\\b" (backslash)');
    expect(r.stderr).toContain("rm: deleted 2 objects");
  });
});
