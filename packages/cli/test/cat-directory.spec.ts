/**
 * `cat` (and `get <loc> -`) of a directory is a usage error, exit 2, on every storage: fs and memory
 * refused the read as ObjectModeInvalid (10) and object stores answered "no such key" (3).
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { useEmulator } from "./emulators.js";
import { builtSuite, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { binary, inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "d"), { "sub/x.txt": "x" });
  await mkdir(join(ws.work, "d/empty"));
  await symlink("sub", join(ws.work, "d/to-sub"));
});

describe("cat of a directory", () => {
  it("exits 2 on fs: a directory, an empty one, with a trailing /, a link to one; get - alike", async () => {
    for (const loc of ["d", "d/", "d/sub", "d/empty", `fs://${ws.work}/d/sub`, "d/to-sub"]) {
      const r = await run(["cat", loc]);
      expect([loc, r.code, r.stdout]).toEqual([loc, 2, ""]);
      expect(r.stderr).toMatch(/is (a symbolic link to )?a directory, not an object/);
    }
    expect((await run(["get", "d/sub", "-"])).code).toBe(2);
    // Objects and missing paths as before.
    expect(await run(["cat", "d/sub/x.txt"])).toMatchObject({ code: 0, stdout: "x" });
    expect((await run(["cat", "d/sub/nope.txt"])).code).toBe(3);
  });

  it("exits 2 on memory: a marker, a prefix with objects below it", async () => {
    expect((await run(["mkdir", "memory://cd/marker/"])).code).toBe(0);
    expect((await run(["put", "-", "memory://cd/prefix/x.txt"], "x")).code).toBe(0);
    for (const loc of ["memory://cd/marker", "memory://cd/marker/", "memory://cd/prefix", "memory://cd/prefix/"]) {
      expect([loc, (await run(["cat", loc])).code]).toEqual([loc, 2]);
    }
    expect((await run(["get", "memory://cd/prefix", "-"])).code).toBe(2);
    expect(await run(["cat", "memory://cd/prefix/x.txt"])).toMatchObject({ code: 0, stdout: "x" });
    expect((await run(["cat", "memory://cd/nope"])).code).toBe(3);
  });
});

const suite = builtSuite(["cos"]);
const BUCKET = "catdir-1250000000";

suite("cat of a directory on the COS emulator (the built binary)", () => {
  const cosWs = useWorkspace({ linkCosDriver: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
  const cli = binary(cosWs, { env: () => ({ STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, "/") }) });

  it("exits 2 for a prefix and a marker, 3 for nothing there", async () => {
    expect((await cli(["put", "-", "emu:prefix/x.txt"], "x")).code).toBe(0);
    expect((await cli(["mkdir", "emu:marker/"])).code).toBe(0);
    for (const loc of ["emu:prefix", "emu:prefix/", "emu:marker", "emu:marker/"]) {
      const r = await cli(["cat", loc]);
      expect([loc, r.code]).toEqual([loc, 2]);
    }
    expect((await cli(["cat", "emu:nope"])).code).toBe(3);
    expect(await cli(["cat", "emu:prefix/x.txt"])).toMatchObject({ code: 0, stdout: "x" });
  });
});
