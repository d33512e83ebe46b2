/**
 * A copy whose source holds user metadata the destination's write refuses (a value another client
 * stored as UTF-8, which a header answer gives as Latin-1 characters) still copies: it keeps the
 * entries a write takes, leaves out the others and says so once per object on stderr, naming the
 * keys, never the values. `cp -r`, `sync --delete` (metadata from the GET's answer) and a
 * single-object `cp` (from its stat). A move never leaves anything out: it would delete the only
 * place the value is kept, so `mv -r` and a single-object `mv` fail that object (exit 11) before
 * anything is written and keep its source, metadata and all. The built binary against the COS
 * emulator, two buckets.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { putPresigned } from "./presigned-put.js";
import { binary, inProcess } from "./cli-run.js";
import { builtSuite } from "./helpers.js";

const BUCKETS = ["meta-a-1250000000", "meta-b-1250000000"] as const;
/** The warning each copy of `meta.txt` prints (after `stowage: <command> `). */
const WARNING = 'meta.txt: leaving out user metadata "city" (a write takes only printable-ASCII values under HTTP-token keys)';
/** What a move of `meta.txt` fails with (after `stowage: mv `), up to the error's context. */
const NOT_MOVED =
  'meta.txt: InvalidArgument: not moved: the destination cannot take user metadata "city" (a write takes only printable-ASCII values under HTTP-token keys); nothing was written and the source is kept (cp copies it without them)';

const suite = builtSuite(["cos"]);

suite("a copy of an object whose metadata a write cannot carry", () => {
  const ws = useWorkspace();
  const emu = useEmulator({ provider: "cos", buckets: [...BUCKETS] });
  const profiles = (): NodeJS.ProcessEnv => ({
    STOWAGE_PROFILE_A: emu.emulator.connectionString(BUCKETS[0], "/"),
    STOWAGE_PROFILE_B: emu.emulator.connectionString(BUCKETS[1], "/"),
  });
  const cli = binary(ws, { env: profiles, timeoutMs: 30_000 });
  const run = inProcess(ws, { env: profiles });
  const metadataOf = async (location: string): Promise<Record<string, string> | undefined> => {
    const r = await run(["stat", "--json", location]);
    expect([location, r.code, r.stderr]).toEqual([location, 0, ""]);
    return (JSON.parse(r.stdout) as { metadata?: Record<string, string> }).metadata;
  };
  const names = async (location: string): Promise<string[]> => (await cli(["ls", "-r", location])).stdout.split("\n").filter(Boolean);

  /** Sends a raw PUT of `key` (one byte) to bucket a through a presigned URL, with `headers` as they are. */
  const rawPut = async (dir: string, key: string, headers: Record<string, string>): Promise<void> => {
    const { newStorager } = await import("@stowage/core");
    await import("@stowage/cos");
    // Core refuses such values, so the object is written through a presigned PUT, as another client would.
    const pre = await newStorager(emu.emulator.connectionString(BUCKETS[0], dir)).presign("write", key, { expires: 300 });
    expect(await putPresigned(pre, headers, "m")).toBe(200);
  };

  /** Puts `t/meta.txt` and `t/plain.txt` below `dir` of bucket a: the first with a UTF-8 `city` (sent raw, as another client would) and an ASCII `kind`. */
  const seed = async (dir: string): Promise<void> => {
    const { newStorager } = await import("@stowage/core");
    await import("@stowage/cos");
    const store = newStorager(emu.emulator.connectionString(BUCKETS[0], dir));
    await store.write("plain.txt", Buffer.from("p"), { metadata: { a: "b" } });
    await rawPut(dir, "meta.txt", { "x-cos-meta-city": "Z\u00fcrich", "x-cos-meta-kind": "ascii" });
    // The emulator answers the value as UTF-8 bytes, as COS does one another client stored so; Node
    // reads each byte as one character: "ZÃ¼rich".
    expect((await store.stat("meta.txt")).metadata).toEqual({ city: "Z\u00c3\u00bcrich", kind: "ascii" });
  };

  beforeAll(async () => {
    await seed("/t/");
  });

  it("cp -r copies both objects, keeps the ASCII entry and warns once, naming the key and not the value", async () => {
    const r = await cli(["cp", "-r", "a:t/", "b:cp/", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, `stowage: cp ${WARNING}\n`]);
    expect(r.stderr).not.toContain("rich");
    expect(await names("b:cp/")).toEqual(["meta.txt", "plain.txt"]);
    expect(await metadataOf("b:cp/meta.txt")).toEqual({ kind: "ascii" });
    expect(await metadataOf("b:cp/plain.txt")).toEqual({ a: "b" });
  });

  it("sync --delete copies it and then deletes the extra object", async () => {
    const { newStorager } = await import("@stowage/core");
    await newStorager(emu.emulator.connectionString(BUCKETS[1], "/sync/")).write("extra.txt", Buffer.from("x"));
    const r = await cli(["sync", "--delete", "a:t/", "b:sync/", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, `stowage: sync ${WARNING}\n`]);
    expect(await names("b:sync/")).toEqual(["meta.txt", "plain.txt"]);
    expect(await metadataOf("b:sync/meta.txt")).toEqual({ kind: "ascii" });
  });

  it("mv -r moves the other object, and fails this one: nothing written, the source kept with its metadata, exit 11", async () => {
    await seed("/mv/");
    const r = await cli(["mv", "-r", "a:mv/", "b:mv/", "--quiet", "--no-checkpoint"]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`stowage: mv ${NOT_MOVED} (op=move`);
    expect(r.stderr).not.toContain("leaving out");
    expect(r.stderr).not.toContain("rich");
    expect(await names("b:mv/")).toEqual(["plain.txt"]);
    expect(await names("a:mv/")).toEqual(["meta.txt"]);
    expect(await metadataOf("a:mv/meta.txt")).toEqual({ city: "Z\u00c3\u00bcrich", kind: "ascii" });
  });

  it("a single-object mv (metadata from its stat) fails the same way and keeps the source", async () => {
    await seed("/mv1/");
    const r = await cli(["mv", "a:mv1/meta.txt", "b:mv1/meta.txt", "--quiet", "--no-checkpoint"]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`stowage: mv ${NOT_MOVED} (op=move`);
    expect(r.stderr).not.toContain("rich");
    expect(await names("b:mv1/")).toEqual([]);
    expect(await metadataOf("a:mv1/meta.txt")).toEqual({ city: "Z\u00c3\u00bcrich", kind: "ascii" });
  });

  it("a single-object cp (metadata from its stat) copies it too", async () => {
    const r = await cli(["cp", "a:t/meta.txt", "b:one/meta.txt", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, `stowage: cp ${WARNING}\n`]);
    expect(await metadataOf("b:one/meta.txt")).toEqual({ kind: "ascii" });
  });

  it("a Content-Type a write refuses is left out too (the copy gets the service's default)", async () => {
    await rawPut("/ct/", "typed.txt", { "content-type": "text/plain; name=Z\u00fcrich" });
    const r = await cli(["cp", "-r", "a:ct/", "b:ct/", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, "stowage: cp typed.txt: leaving out the source's Content-Type (a write takes only printable ASCII)\n"]);
    expect(await names("b:ct/")).toEqual(["typed.txt"]);
    // A move keeps such a source rather than lose its type.
    const mv = await cli(["mv", "-r", "a:ct/", "b:ct-mv/", "--quiet", "--no-checkpoint"]);
    expect(mv.code).toBe(11);
    expect(mv.stderr).toContain("stowage: mv typed.txt: InvalidArgument: not moved: the destination cannot take the source's Content-Type");
    expect(await names("a:ct/")).toEqual(["typed.txt"]);
    expect(await names("b:ct-mv/")).toEqual([]);
  });

  it("--metadata given on the command line is not left out: a value a write would refuse is a usage error, nothing written", async () => {
    await writeFile(join(ws.work, "given.txt"), "g");
    const r = await cli(["put", "--metadata", "city=Zürich", "--quiet", "given.txt", "b:given/x"]);
    expect([r.code, r.stderr]).toEqual([2, 'stowage: --metadata: the value of "city" must be printable ASCII (encode it first)\n']);
    expect(await names("b:given/")).toEqual([]);
  });
});
