/**
 * review-sync MEDIUM-2: round trips between two local directories, and between a local directory
 * and QingStor, settle: a copy is newer than what it was copied from, so "source newer" alone
 * re-sent every object on every round. Where the times would copy a same-size object, two local
 * files are read and hashed, and a local file is hashed against QingStor's MD5 ETag (single PUT) or
 * its CRC ETag (a multipart object Stowage completed): equal content is skipped, and a QingStor
 * object is never read for it. A multipart ETag is never taken for an MD5.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ObjectInfo } from "@stowage/core";
import type { TransferStats } from "../src/index.js";
import type { Endpoint } from "../src/locations.js";
import { md5OfEtag, settledByContent } from "../src/transfer/content-rule.js";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";
import { bytes, readTree, writeTree } from "./helpers.js";

const MiB = 1024 * 1024;
const BUCKET = "round-trips";
const ws = useWorkspace({ stateDir: true });
const emu = useEmulator({ provider: "qingstor", buckets: [BUCKET] });
const run = inProcess(ws, { env: () => ({ STOWAGE_PROFILE_QS: emu.emulator.connectionString(BUCKET, "/rt/") }) });
const stats = (stdout: string): TransferStats["objects"] => (JSON.parse(stdout) as TransferStats).objects;

/** Sets every file's times in `dir` `hours` from now (a copy newer, or a source older, than anything else). */
async function shift(dir: string, hours: number): Promise<void> {
  const when = new Date(Date.now() + hours * 3600_000);
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) await utimes(join(e.parentPath, e.name), when, when);
}

const FILES = { "a.txt": "alpha", "sub/b.bin": bytes(70_000, 3), "c.txt": "gamma" };

describe("between two local directories", () => {
  beforeAll(async () => {
    await writeTree(join(ws.work, "ppa"), FILES);
  });

  it("a copy synced back is not sent again; a same-size edit is found by its content", async () => {
    expect(stats((await run(["sync", "--stats-json", "ppa/", "ppb/"])).stdout)).toMatchObject({ copied: 3 });
    // The copies newer than their sources: by times alone, each round would copy everything back.
    await shift(join(ws.work, "ppb"), 1);
    const back = await run(["sync", "--stats-json", "ppb/", "ppa/"]);
    expect([back.code, stats(back.stdout)]).toEqual([0, expect.objectContaining({ copied: 0, skipped: 3 })]);
    const forth = await run(["sync", "--stats-json", "ppa/", "ppb/"]);
    expect(stats(forth.stdout)).toMatchObject({ copied: 0, skipped: 3 });
    await writeFile(join(ws.work, "ppb", "a.txt"), "ALPHA");
    await shift(join(ws.work, "ppb"), 2);
    const dry = await run(["sync", "--dry-run", "ppb/", "ppa/"]);
    expect(dry.stdout).toBe("would copy a.txt (5 B, content differs)\n");
    expect(stats((await run(["sync", "--stats-json", "ppb/", "ppa/"])).stdout)).toMatchObject({ copied: 1, skipped: 2 });
    expect((await readTree(join(ws.work, "ppa")))["a.txt"]).toBe("ALPHA");
  });
});

describe("between a local directory and QingStor", () => {
  beforeAll(async () => {
    await writeTree(join(ws.work, "site"), { ...FILES, "big.bin": bytes(4 * MiB + 1000, 5) });
  });

  it("settles both ways: the local file is hashed against the ETag's MD5 (or the CRC ETag of a multipart object), nothing is read or written", async () => {
    const parts = ["--large-threshold", "4M", "--part-size", "4M"];
    expect(stats((await run(["sync", "--stats-json", ...parts, "site/", "qs:"])).stdout)).toMatchObject({ copied: 4 });
    expect(stats((await run(["sync", "--stats-json", "qs:", "down/"])).stdout)).toMatchObject({ copied: 4 });
    // Up: the downloaded copies are newer than the objects.
    await shift(join(ws.work, "down"), 1);
    emu.emulator.resetStats();
    const up = await run(["sync", "--stats-json", ...parts, "down/", "qs:"]);
    expect([up.code, stats(up.stdout)]).toEqual([0, expect.objectContaining({ copied: 0, skipped: 4 })]);
    // Down: the objects are newer than the local files they came from.
    await shift(join(ws.work, "site"), -1);
    const down = await run(["sync", "--stats-json", "qs:", "site/"]);
    expect([down.code, stats(down.stdout)]).toEqual([0, expect.objectContaining({ copied: 0, skipped: 4 })]);
    const calls = emu.emulator.stats().byOperation;
    expect(["GetObject", "PutObject", "InitiateMultipartUpload", "UploadPart", "HeadObject"].map((op) => calls[op as keyof typeof calls] ?? 0)).toEqual([0, 0, 0, 0, 0]);
    // big.bin went in parts: its ETag is Stowage's CRC ETag (hashed against as a CRC-64), not an MD5.
    const big = JSON.parse((await run(["stat", "--json", "qs:big.bin"])).stdout) as ObjectInfo;
    expect([big.etag?.endsWith('-2"'), big.crc64 !== undefined]).toEqual([true, true]);

    // A same-size edit, newer, is found by its content and copied.
    await writeFile(join(ws.work, "down", "c.txt"), "GAMMA");
    await shift(join(ws.work, "down"), 2);
    const edit = await run(["sync", "--dry-run", "down/", "qs:"]);
    expect(edit.stdout).toBe("would copy c.txt (5 B, content differs)\n");
  });
});

describe("which ETags are taken for an MD5", () => {
  const at = (type: string, query = ""): Endpoint => ({ loc: { type, query } as Endpoint["loc"], dir: "/", store: {} as Endpoint["store"] });
  const file = (etag: string): ObjectInfo => ({ path: "k", mode: "file", size: 1, etag });
  const md5 = "0cc175b9c0f1b6a831c399e269772661";

  it("a QingStor single-PUT ETag (32 hex digits, quoted or not) is an MD5; nothing else is", () => {
    expect(md5OfEtag(at("qingstor"), file(`"${md5}"`))).toBe(Buffer.from(md5, "hex").toString("base64"));
    expect(md5OfEtag(at("qingstor"), file(md5.toUpperCase()))).toBe(Buffer.from(md5, "hex").toString("base64"));
    // Multipart (MD5 of MD5s, or Stowage's CRC ETag), another service's, an SSE-C location's, an appendable object's: no.
    expect(md5OfEtag(at("qingstor"), file(`"${md5}-2"`))).toBeUndefined();
    expect(md5OfEtag(at("cos"), file(`"${md5}"`))).toBeUndefined();
    expect(md5OfEtag(at("qingstor", "encryption_customer_algorithm=AES256&encryption_customer_key=x"), file(`"${md5}"`))).toBeUndefined();
    expect(md5OfEtag(at("qingstor"), { ...file(`"${md5}"`), mode: "append" })).toBeUndefined();
  });

  it("only two local files, or a local file against a listed checksum, are settled by content", () => {
    expect(settledByContent(at("fs"), at("fs"), file("x"), file("y"))).toBe(true);
    expect(settledByContent(at("fs"), at("qingstor"), file("x"), file(`"${md5}"`))).toBe(true);
    expect(settledByContent(at("qingstor"), at("fs"), file(`"${md5}"`), file("x"))).toBe(true);
    expect(settledByContent(at("fs"), at("qingstor"), file("x"), file(`"${md5}-3"`))).toBe(false);
    expect(settledByContent(at("fs"), at("qingstor"), file("x"), { ...file(`"${md5}-3"`), crc64: "123" })).toBe(true);
    expect(settledByContent(at("qingstor"), at("cos"), file(`"${md5}"`), file(`"${md5}"`))).toBe(false);
  });
});
