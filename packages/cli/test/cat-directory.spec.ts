/**
 * `cat` (and `get <loc> -`) of a directory is a usage error, exit 2, on every storage: fs and memory
 * refused the read as ObjectModeInvalid (10) and object stores answered "no such key" (3).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { main } from "../src/index.js";
import { cleanEnv, cosWorkspace, removeDir, runCli, tempDir, writeTree, COS_EMULATOR_READY, type CliEmulator } from "./helpers.js";

let work: string;
let env: NodeJS.ProcessEnv;
const run = (argv: string[], stdin?: string) => main(argv, { env, cwd: work, ...(stdin === undefined ? {} : { stdin }) });

beforeAll(async () => {
  work = await tempDir();
  env = cleanEnv(join(work, "home"));
  await writeTree(join(work, "d"), { "sub/x.txt": "x" });
  await mkdir(join(work, "d/empty"));
  await symlink("sub", join(work, "d/to-sub"));
});

afterAll(async () => {
  await removeDir(work);
});

describe("cat of a directory", () => {
  it("exits 2 on fs: a directory, an empty one, with a trailing /, a link to one; get - alike", async () => {
    for (const loc of ["d", "d/", "d/sub", "d/empty", `fs://${work}/d/sub`, "d/to-sub"]) {
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

const suite = COS_EMULATOR_READY ? describe : describe.skip;
const BUCKET = "catdir-1250000000";

suite("cat of a directory on the COS emulator (the built binary)", () => {
  let emulator: CliEmulator | undefined;
  let cosWork: string;
  let cosEnv: NodeJS.ProcessEnv;
  const cli = (args: string[], input?: string) =>
    runCli(args, { env: { ...cosEnv, STOWAGE_PROFILE_EMU: emulator!.connectionString(BUCKET, "/") }, cwd: cosWork, ...(input === undefined ? {} : { input }) });

  beforeAll(async () => {
    ({ emulator, work: cosWork, env: cosEnv } = await cosWorkspace<CliEmulator>(BUCKET));
  });

  afterAll(async () => {
    await emulator?.stop();
    if (cosWork) await removeDir(cosWork);
  });

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
