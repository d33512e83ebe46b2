/**
 * A copy whose source holds more user metadata than the destination keeps (OSS keeps 8 KiB of
 * names and values, COS and QingStor 2 KiB: `features.limits.metadataMaximum`): the largest
 * entries are left out until the rest fits, with the warning other left-out entries get, and the
 * copy goes on (`cp -r`, `sync --delete`); a move fails the object instead and keeps its source.
 * First `dropUncarried` itself, then the built binary against the OSS and COS emulators.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import type { WriteOptions } from "@stowage/core";
import { metadataSize } from "@stowage/core";
import { dropUncarried } from "../src/transfer/kept-fields.js";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary, inProcess } from "./cli-run.js";
import { builtSuite } from "./helpers.js";

describe("dropUncarried, with the destination's metadata limit", () => {
  it("counts names (lower-cased) and values as core does, and leaves out the largest entries first until the rest fits", () => {
    const metadata = { A: "x".repeat(10), b: "y".repeat(20), c: "z".repeat(20) };
    expect(metadataSize(metadata)).toBe(53);
    const options: WriteOptions = { metadata };
    // b and c are of one size: b, given first, goes first; then c, since 32 bytes still exceed 25.
    expect(dropUncarried(options, undefined, 25)).toEqual({ metadataKeys: [], oversizeKeys: ["b", "c"], metadataMaximum: 25, contentType: false });
    expect(options.metadata).toEqual({ A: "x".repeat(10) });
    // The source's own object is not changed.
    expect(Object.keys(metadata)).toEqual(["A", "b", "c"]);
  });

  it("keeps what fits exactly, and counts only the entries a write takes at all", () => {
    const fits: WriteOptions = { metadata: { k: "v".repeat(9) } };
    expect(dropUncarried(fits, undefined, 10)).toBeUndefined();
    expect(fits.metadata).toEqual({ k: "v".repeat(9) });
    const mixed: WriteOptions = { metadata: { city: "Z\u00c3\u00bcrich", big: "b".repeat(30), s: "1" } };
    expect(dropUncarried(mixed, undefined, 10)).toEqual({ metadataKeys: ["city"], oversizeKeys: ["big"], metadataMaximum: 10, contentType: false });
    expect(mixed.metadata).toEqual({ s: "1" });
    const all: WriteOptions = { metadata: { big: "b".repeat(30) } };
    expect(dropUncarried(all, undefined, 10)).toMatchObject({ oversizeKeys: ["big"] });
    expect(all).not.toHaveProperty("metadata");
  });

  it("never touches --metadata given on the command line (the write refuses it) nor limits a destination without a limit", () => {
    const given = { big: "b".repeat(30) };
    const options: WriteOptions = { metadata: given };
    expect(dropUncarried(options, { metadata: given }, 10)).toBeUndefined();
    expect(options.metadata).toBe(given);
    expect(dropUncarried(options, undefined, undefined)).toBeUndefined();
  });
});

const SOURCE = "size-src";
const DESTINATION = "size-dst-1250000000";
/** 4 + 1500 + 4 + 1000 + 5 + 2 = 2,515 bytes: OSS keeps it, COS (2,048) does not; without `note` it fits. */
const METADATA = { note: "n".repeat(1500), memo: "m".repeat(1000), owner: "me" };
const LEFT_OUT = 'user metadata "note" (the destination keeps at most 2048 bytes of names and values; the largest left out)';

const suite = builtSuite(["cos"]);

suite("a tree copy OSS → COS of an object with more metadata than COS keeps", () => {
  const ws = useWorkspace();
  const ossEmu = useEmulator({ provider: "oss", buckets: [SOURCE] });
  const cosEmu = useEmulator({ provider: "cos", buckets: [DESTINATION] });
  const profiles = (): NodeJS.ProcessEnv => ({
    STOWAGE_PROFILE_A: ossEmu.emulator.connectionString(SOURCE, "/"),
    STOWAGE_PROFILE_B: cosEmu.emulator.connectionString(DESTINATION, "/"),
  });
  const bin = binary(ws, { env: profiles, timeoutMs: 30_000 });
  const cli = (args: string[]) => bin([...args, "--quiet", "--no-checkpoint"]);
  const names = async (location: string): Promise<string[]> => (await bin(["ls", "-r", location])).stdout.split("\n").filter(Boolean);
  const run = inProcess(ws, { env: profiles });
  const metadataOf = async (location: string): Promise<Record<string, string> | undefined> => {
    const r = await run(["stat", "--json", location]);
    expect([location, r.code, r.stderr]).toEqual([location, 0, ""]);
    return (JSON.parse(r.stdout) as { metadata?: Record<string, string> }).metadata;
  };
  /** `big.txt` (with {@link METADATA}) and `plain.txt` below `dir` of the OSS bucket. */
  const seed = async (dir: string): Promise<void> => {
    const { newStorager } = await import("@stowage/core");
    const store = newStorager(ossEmu.emulator.connectionString(SOURCE, dir));
    await store.write("big.txt", Buffer.from("b"), { metadata: METADATA });
    await store.write("plain.txt", Buffer.from("p"), { metadata: { a: "b" } });
  };

  beforeAll(async () => {
    await seed("/t/");
  });

  it("cp -r copies both objects, leaves out the largest entry and keeps the others, with a warning naming its key", async () => {
    const r = await cli(["cp", "-r", "a:t/", "b:cp/"]);
    expect([r.code, r.stderr]).toEqual([0, `stowage: cp big.txt: leaving out ${LEFT_OUT}\n`]);
    expect(await names("b:cp/")).toEqual(["big.txt", "plain.txt"]);
    expect(await metadataOf("b:cp/big.txt")).toEqual({ memo: METADATA.memo, owner: "me" });
  });

  it("sync --delete copies it and then deletes the extra object", async () => {
    const { newStorager } = await import("@stowage/core");
    await newStorager(cosEmu.emulator.connectionString(DESTINATION, "/sync/")).write("zz-extra.txt", Buffer.from("x"));
    const r = await cli(["sync", "--delete", "a:t/", "b:sync/"]);
    expect([r.code, r.stderr]).toEqual([0, `stowage: sync big.txt: leaving out ${LEFT_OUT}\n`]);
    expect(await names("b:sync/")).toEqual(["big.txt", "plain.txt"]);
  });

  it("mv -r fails that object (nothing written, the source kept with all its metadata) and moves the other", async () => {
    await seed("/mv/");
    const r = await cli(["mv", "-r", "a:mv/", "b:mv/"]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`stowage: mv big.txt: InvalidArgument: not moved: the destination cannot take ${LEFT_OUT}; nothing was written and the source is kept`);
    expect(await names("b:mv/")).toEqual(["plain.txt"]);
    expect(await names("a:mv/")).toEqual(["big.txt"]);
    expect(await metadataOf("a:mv/big.txt")).toEqual(METADATA);
  });
});
