/**
 * A streamed tree copy (`cp -r`, `sync`, `mv -r`) between two buckets keeps each object's
 * Content-Type and user metadata, as a single-object `cp` does, though COS and OSS listings carry
 * neither: they come from the answer to the GET that reads the object (no HEAD added). Large
 * objects too (a multipart write, a concurrent ranged read). A local source still gets the type
 * its name suggests. The built binary against the COS and OSS emulators, two buckets each.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary, inProcess } from "./cli-run.js";
import { builtSuite, bytes, writeTree } from "./helpers.js";

const KiB = 1024;
const MiB = 1024 * KiB;

interface Case {
  provider: "cos" | "oss";
  buckets: [string, string];
  /** The large object: above `--large-threshold`, more than one `--part-size` (at least the service's minimum part). */
  bigSize: number;
  largeFlags: string[];
}

const CASES: Case[] = [
  { provider: "cos", buckets: ["keep-a-1250000000", "keep-b-1250000000"], bigSize: 2 * MiB + 5, largeFlags: ["--large-threshold", "1M", "--part-size", "1M"] },
  { provider: "oss", buckets: ["keep-a", "keep-b"], bigSize: 300 * KiB + 5, largeFlags: ["--large-threshold", "100K", "--part-size", "128K"] },
];

/** Each source object: its `put` flags, and the type and metadata `stat` then reports. */
const OBJECTS = {
  "odd.html": { flags: ["--content-type", "application/x-odd", "--metadata", "owner=me"], type: "application/x-odd", metadata: { owner: "me" } },
  "sub/page.txt": { flags: ["--content-type", "text/x-page", "--metadata", "a=1", "--metadata", "b=2"], type: "text/x-page", metadata: { a: "1", b: "2" } },
  "plain.json": { flags: [], type: "application/json", metadata: undefined },
  "big.dat": { flags: ["--content-type", "application/x-big", "--metadata", "note=kept"], type: "application/x-big", metadata: { note: "kept" } },
} as const;
type Name = keyof typeof OBJECTS;
const NAMES = Object.keys(OBJECTS) as Name[];

const suite = builtSuite(["cos", "oss"]);

for (const c of CASES) {
  suite(`a streamed tree copy between two ${c.provider} buckets`, () => {
    const ws = useWorkspace();
    const emu = useEmulator({ provider: c.provider, buckets: [...c.buckets] });
    const profiles = (): NodeJS.ProcessEnv => ({ STOWAGE_PROFILE_A: emu.emulator.connectionString(c.buckets[0], "/"), STOWAGE_PROFILE_B: emu.emulator.connectionString(c.buckets[1], "/") });
    /** The built binary: what is tested. */
    const cli = binary(ws, { env: profiles, timeoutMs: 30_000 });
    /** In process: a stat is only looked at. */
    const run = inProcess(ws, { env: profiles });
    /** Content type and user metadata of each object below `base` (`a:t/`), as `stat --json` reports them. */
    const headersBelow = async (base: string): Promise<Record<string, [string | undefined, Record<string, string> | undefined]>> => {
      const out: Record<string, [string | undefined, Record<string, string> | undefined]> = {};
      for (const name of NAMES) {
        const r = await run(["stat", "--json", base + name]);
        expect([name, r.code, r.stderr]).toEqual([name, 0, ""]);
        const info = JSON.parse(r.stdout) as { contentType?: string; metadata?: Record<string, string> };
        out[name] = [info.contentType, info.metadata !== undefined && Object.keys(info.metadata).length > 0 ? info.metadata : undefined];
      }
      return out;
    };
    const WANT = Object.fromEntries(NAMES.map((n) => [n, [OBJECTS[n].type, OBJECTS[n].metadata]]));

    beforeAll(async () => {
      await writeTree(join(ws.work, "src"), { "odd.html": "x", "sub/page.txt": "page", "plain.json": "{}", "big.dat": bytes(c.bigSize, 7) });
      for (const name of NAMES) {
        const r = await cli(["put", `src/${name}`, `a:t/${name}`, "--quiet", ...OBJECTS[name].flags]);
        expect([name, r.code, r.stderr]).toEqual([name, 0, ""]);
      }
      expect(await headersBelow("a:t/")).toEqual(WANT);
    });

    it("cp -r keeps every object's type and metadata, with no HEAD of the source", async () => {
      emu.emulator.resetStats();
      const r = await cli(["cp", "-r", "a:t/", "b:cp/", "--quiet"]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      // The listing does not carry them, and nothing stats the source objects: the GETs' answers do.
      const ops = emu.emulator.stats().byOperation;
      expect([ops.HeadObject ?? 0, ops.GetObject]).toEqual([0, NAMES.length]);
      expect(await headersBelow("b:cp/")).toEqual(WANT);
    });

    it("sync keeps them too, and a re-run copies nothing", async () => {
      const r = await cli(["sync", "a:t/", "b:sync/", "--quiet"]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(await headersBelow("b:sync/")).toEqual(WANT);
      const again = await cli(["sync", "a:t/", "b:sync/", "--stats-json", "--quiet"]);
      expect(JSON.parse(again.stdout)).toMatchObject({ objects: { copied: 0, skipped: NAMES.length } });
    });

    it("mv -r keeps them", async () => {
      // Within bucket a: copied by the service, headers and all.
      expect((await cli(["cp", "-r", "a:t/", "a:mv/", "--quiet"])).code).toBe(0);
      const r = await cli(["mv", "-r", "a:mv/", "b:mv/", "--quiet"]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(await headersBelow("b:mv/")).toEqual(WANT);
      expect((await cli(["ls", "-r", "a:mv/"])).stdout).toBe("");
    });

    it("a large object written in parts, read in concurrent ranges, keeps them", async () => {
      emu.emulator.resetStats();
      const r = await cli(["cp", "-r", "a:t/", "b:large/", "--quiet", "--read-concurrency", "3", ...c.largeFlags]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const ops = emu.emulator.stats().byOperation;
      // Each concurrent read's own stat (to size its ranges; as before) gave the type: no other HEAD.
      // The large object came in 3 ranges.
      expect([ops.InitiateMultipartUpload, ops.HeadObject, ops.GetObject]).toEqual([1, NAMES.length, NAMES.length + 2]);
      expect(await headersBelow("b:large/")).toEqual(WANT);
    });

    it("a copy resumed from a checkpoint completes the upload its first run started, type and metadata included", async () => {
      const checkpoint = join(ws.work, "resume.json");
      const argv = ["cp", "-r", "a:t/", "b:resumed/", "--quiet", "--checkpoint", checkpoint, ...c.largeFlags];
      // The first part is stored, every later one refused: the run fails, leaving the upload.
      emu.emulator.setFaults([{ kind: "status", status: 500, operation: "UploadPart", skip: 1 }]);
      try {
        expect((await cli(argv)).code).not.toBe(0);
      } finally {
        emu.emulator.setFaults([]);
      }
      emu.emulator.resetStats();
      const second = await cli([...argv, "--stats-json"]);
      expect([second.code, second.stderr]).toEqual([0, ""]);
      expect(JSON.parse(second.stdout)).toMatchObject({ parts: { resumedUploads: 1 } });
      expect(emu.emulator.stats().byOperation.InitiateMultipartUpload ?? 0).toBe(0);
      expect(await headersBelow("b:resumed/")).toEqual(WANT);
    });

    it("a local source still gets the type its name suggests", async () => {
      const r = await cli(["cp", "-r", "src/", "b:local/", "--quiet"]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const stat = await run(["stat", "--json", "b:local/odd.html"]);
      expect((JSON.parse(stat.stdout) as { contentType?: string }).contentType).toBe("text/html");
    });
  });
}
