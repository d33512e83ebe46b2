/**
 * The built binary against the OSS and QingStor protocol emulators, through
 * the drivers the CLI depends on (`@stowage/oss`, `@stowage/qingstor`, loaded
 * on the first `oss://` or `qingstor://` location). Per service: sync a small
 * folder in (one file large enough to go in parts), list it, verify it, sync
 * again (nothing copied), sync it back out to fs byte for byte.
 * Skipped until both drivers are built.
 *
 * The source files are written just before the first sync, with millisecond
 * times, while QingStor lists whole seconds: the second sync (no checksum on
 * both sides) must still see the destination as up to date.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary } from "./cli-run.js";
import { builtSuite, bytes, writeTree } from "./helpers.js";

const KiB = 1024;
const MiB = 1024 * KiB;

interface Case {
  provider: "oss" | "qingstor";
  bucket: string;
  /** The large file: above the threshold, more than one part at the service's minimum part size. */
  bigSize: number;
  /** `--part-size` (at least the service's minimum: OSS 100 KiB, QingStor 4 MiB except the last part). */
  partSize: string;
  /** Parts of the large file at that part size. */
  parts: number;
  /**
   * Extra `sync` flags for the upload. Copies are verified against the CRC64
   * the destination reports; QingStor reports none (nor an MD5), so without
   * `--verify` its copies are checked by size only: ask for a re-read.
   */
  syncFlags: string[];
  /** The `verify` command's summary: OSS compares CRC64s; for QingStor the CLI reads and hashes (but for a multipart object's CRC ETag). */
  verifyHow: string;
  /** HEADs the upload sends: none where each write's answer carries the stored CRC64 (OSS), one per copy to check it otherwise. */
  heads: number;
}

const CASES: Case[] = [
  // OSS reports CRC64 on every object and part.
  { provider: "oss", bucket: "cli-oss", bigSize: 300 * KiB + 7, partSize: "128K", parts: 3, syncFlags: [], verifyHow: "4 by crc64", heads: 0 },
  // QingStor returns no CRC64 and the fs side reports none either: verify reads and hashes both, except
  // for the multipart object, whose CRC ETag (Stowage's, set at Complete) carries its CRC-64.
  { provider: "qingstor", bucket: "cli-qingstor", bigSize: 4 * MiB + 300 * KiB + 3, partSize: "4M", parts: 2, syncFlags: ["--verify"], verifyHow: "3 by reread, 1 by crc64", heads: 4 },
];

const FILES = (c: Case): Record<string, Buffer | string> => ({
  "index.html": "<p>hi</p>",
  "img/a.png": bytes(40_000, 1),
  "img/raw/b.raw": bytes(70_001, 3),
  "big.bin": bytes(c.bigSize, 2),
});

/** Every file below `dir` (relative path → bytes), skipping the fs driver's hidden `.stowage-*` entries. */
async function readBytes(dir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const rel = relative(dir, join(entry.parentPath, entry.name));
    if (entry.isFile() && !rel.split("/").some((s) => s.startsWith(".stowage-"))) out[rel] = await readFile(join(dir, rel));
  }
  return out;
}

const suite = builtSuite(["oss", "qingstor"]);

for (const c of CASES) {
  suite(`the stowage binary on the ${c.provider} emulator`, () => {
    const files = FILES(c);
    const names = Object.keys(files).sort();
    const total = Object.values(files).reduce((n, v) => n + Buffer.byteLength(v), 0);
    const ws = useWorkspace();
    const emu = useEmulator({ provider: c.provider, buckets: [c.bucket] });
    const cli = binary(ws, { env: () => ({ STOWAGE_PROFILE_EMU: emu.emulator.connectionString(c.bucket, "/dir/") }), timeoutMs: 15_000 });
    const uploadFlags = ["--large-threshold", "100K", "--part-size", c.partSize, "--part-concurrency", "2"];

    beforeAll(async () => {
      await writeTree(join(ws.work, "src"), files);
    });

    it("syncs a folder in (the large file in parts), lists it and verifies it", async () => {
      emu.emulator.resetStats();
      const up = await cli(["sync", "src/", "emu:", "--stats-json", ...uploadFlags, ...c.syncFlags]);
      expect(up.code).toBe(0);
      expect(up.stderr).toMatch(/^sync: copied 4 objects \(/m); // after a progress line when the sync takes over 2 s
      expect(JSON.parse(up.stdout)).toMatchObject({
        objects: { planned: 4, copied: 4, skipped: 0, failed: 0, verified: 4, mismatched: 0 },
        bytes: { planned: total, copied: total, sent: total },
        failures: [],
      });
      const ops = emu.emulator.stats().byOperation;
      expect([ops.InitiateMultipartUpload, ops.UploadPart, ops.CompleteMultipartUpload, ops.PutObject]).toEqual([1, c.parts, 1, 3]);
      expect(ops.HeadObject ?? 0).toBe(c.heads);

      const ls = await cli(["ls", "-r", "emu:"]);
      expect([ls.code, ls.stderr]).toEqual([0, ""]);
      expect(ls.stdout.split("\n").filter(Boolean)).toEqual(names);
      const json = await cli(["ls", "-r", "--json", "emu:"]);
      expect(json.code).toBe(0);
      const infos = json.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { path: string; size: number });
      expect(infos.map((i) => [i.path, i.size])).toEqual(names.map((n) => [n, Buffer.byteLength(files[n]!)]));

      const verify = await cli(["verify", "src/", "emu:"]);
      expect([verify.code, verify.stdout, verify.stderr.trim()]).toEqual([0, "", `verify: 4 of 4 objects match (${c.verifyHow})`]);
      const full = await cli(["verify", "--full", "src/", "emu:"]);
      expect([full.code, full.stderr.trim()]).toEqual([0, "verify: 4 of 4 objects match (4 by reread)"]);
    });

    it("presign --method write prints the whole request (its signed Content-Type), and sending exactly it stores the bytes", async () => {
      const r = await cli(["presign", "--method", "write", "emu:presigned.txt"]);
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const request = JSON.parse(r.stdout) as { method: string; url: string; headers: Record<string, string> };
      expect(request.headers["content-type"]).toBe("application/octet-stream");
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => k.toLowerCase() !== "host"));
      const res = await fetch(request.url, { method: request.method, headers, body: "sent by a presigned URL" });
      expect(res.status).toBeLessThan(300);
      const cat = await cli(["cat", "emu:presigned.txt"]);
      expect(cat.stdout).toBe("sent by a presigned URL");
      expect((await cli(["rm", "emu:presigned.txt"])).code).toBe(0);
    });

    it("syncs again copying nothing, then syncs back out to fs byte for byte", async () => {
      emu.emulator.resetStats();
      const again = await cli(["sync", "src/", "emu:", "--stats-json", ...uploadFlags]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ objects: { planned: 0, copied: 0, skipped: 4, failed: 0 }, bytes: { sent: 0 } });
      const ops = emu.emulator.stats().byOperation;
      expect([ops.PutObject ?? 0, ops.InitiateMultipartUpload ?? 0, ops.UploadPart ?? 0]).toEqual([0, 0, 0]);

      const down = await cli(["sync", "emu:", "out/", "--stats-json"]);
      expect(down.code).toBe(0);
      expect(down.stderr).toMatch(/^sync: copied 4 objects \(/m); // after a progress line when the sync takes over 2 s
      expect(JSON.parse(down.stdout)).toMatchObject({ objects: { copied: 4, failed: 0 }, bytes: { copied: total } });
      const out = await readBytes(join(ws.work, "out"));
      expect(Object.keys(out).sort()).toEqual(names);
      for (const name of names) expect(out[name]!.equals(Buffer.from(files[name]!))).toBe(true);
    });
  });
}
