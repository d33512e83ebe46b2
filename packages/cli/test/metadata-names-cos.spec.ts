/**
 * COS (and OSS) take only letters, digits and `-` in a user metadata name. A copy to COS of an
 * object whose metadata has another name (`file_type`, which memory, fs's `--metadata` and QingStor
 * take) fails that object with `InvalidArgument` (exit 11) naming the key, before anything is
 * written: no object, no upload left behind, a move's source kept. Objects without such a name are
 * copied. In process (memory sources) and through the built binary (a local file with `--metadata`),
 * against the COS emulator, which would refuse the name itself.
 */
import { beforeAll, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager, type Storager } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary, inProcess } from "./cli-run.js";
import { builtSuite } from "./helpers.js";

const BUCKET = "names-1250000000";
const MiB = 1024 * 1024;
/** What the copy of an object with a `file_type` key fails with (after `stowage: <command> <name>: `). */
const REFUSAL = 'InvalidArgument: metadata key "file_type": COS takes only letters, digits and "-" in metadata names';

const suite = builtSuite(["cos"]);

suite("a copy to COS of an object whose metadata has a name COS refuses", () => {
  const ws = useWorkspace();
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
  const profiles = (): NodeJS.ProcessEnv => ({ STOWAGE_PROFILE_C: emu.emulator.connectionString(BUCKET, "/") });
  const run = inProcess(ws, { env: profiles });
  const cli = binary(ws, { env: profiles, timeoutMs: 30_000 });
  const bucket = (): Storager => newStorager(emu.emulator.connectionString(BUCKET, "/"));
  const names = async (dir: string): Promise<string[]> => {
    const out: string[] = [];
    for await (const o of bucket().list(dir)) out.push(o.path.slice(dir.length));
    return out;
  };
  const uploads = async (): Promise<number> => {
    let n = 0;
    for await (const _ of bucket().list("", { mode: "part" })) n++;
    return n;
  };

  beforeAll(async () => {
    const src = newStorager("memory://names-src/");
    await src.write("t/meta.txt", Buffer.from("m"), { metadata: { file_type: "text", kind: "a" } });
    await src.write("t/plain.txt", Buffer.from("p"), { metadata: { kind: "b" } });
    await src.write("big.bin", Buffer.alloc(3 * MiB, 7), { metadata: { file_type: "bin" } });
  });

  it("cp of one object: exit 11 naming the key, nothing written", async () => {
    const r = await run(["cp", "memory://names-src/t/meta.txt", "c:one/meta.txt", "--quiet"]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`stowage: cp meta.txt: ${REFUSAL}`);
    expect(await names("one/")).toEqual([]);
  });

  it("cp -r: the other object is copied with its metadata, this one fails (exit 11), nothing of it written", async () => {
    const r = await run(["cp", "-r", "memory://names-src/t/", "c:tree/", "--quiet"]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`stowage: cp meta.txt: ${REFUSAL}`);
    expect(await names("tree/")).toEqual(["plain.txt"]);
    expect((await bucket().stat("tree/plain.txt")).metadata).toEqual({ kind: "b" });
  });

  it("cp of an object that goes in parts: exit 11, no object and no upload left", async () => {
    const r = await run(["cp", "memory://names-src/big.bin", "c:big/big.bin", "--large-threshold", "1MiB", "--quiet"]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`stowage: cp big.bin: ${REFUSAL}`);
    expect(await names("big/")).toEqual([]);
    expect(await uploads()).toBe(0);
  });

  it("mv: exit 11, nothing written, the source kept with its metadata", async () => {
    const r = await run(["mv", "memory://names-src/t/meta.txt", "c:moved/meta.txt", "--quiet", "--no-checkpoint"]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`stowage: mv meta.txt: ${REFUSAL}`);
    expect(await names("moved/")).toEqual([]);
    expect((await newStorager("memory://names-src/").stat("t/meta.txt")).metadata).toEqual({ file_type: "text", kind: "a" });
  });

  it("the built binary: cp of a local file with --metadata file_type=… is exit 11, nothing written", async () => {
    await writeFile(join(ws.work, "local.txt"), "l");
    const r = await cli(["cp", "--metadata", "file_type=text", "local.txt", "c:local/local.txt", "--quiet"]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(REFUSAL);
    expect(await names("local/")).toEqual([]);
  });
});
