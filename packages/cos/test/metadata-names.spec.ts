/**
 * COS takes only letters, digits and `-` in a user metadata name (its PUT Object and Initiate
 * Multipart Upload pages: "other characters, including underscores, are not supported"). Every path
 * that sends metadata refuses another name with `InvalidArgument` before any request, and what is
 * at the key stays as it was; so does an APPEND's creation with metadata COS cannot keep, which
 * deletes what is at the key first. The emulator refuses such a header as COS does (see the
 * emulator's metadata-names spec).
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { expectError } from "@stowage/behavior-tests";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

const BUCKET = "meta-names-1250000000";
const MiB = 1024 * 1024;
/** Names COS refuses: an underscore, a dot, symbols HTTP allows in a header name. */
const REFUSED = ["file_type", "a.b", "x+y", "Q'Q", "t~"];
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

/** A storager of its own directory whose writes above 1 MiB go in 1 MiB parts, and whose copies go in parts with `partCopies`. */
function storeOf(partCopies = false): Storager {
  const workDir = `/${randomUUID()}/`;
  if (!partCopies) return newStorager(`${emulator.connectionString(BUCKET, workDir)}&multipart_threshold=1MiB&part_size=1MiB&max_retries=0`);
  const { accessKey, secretKey } = emulator.credential;
  const address = bucketAddress(BUCKET, emulator.region, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) });
  const client = new CosClient(address, staticCredentials({ protocol: "hmac", accessKey, secretKey }, undefined), { retry: { maxRetries: 0 } });
  const driver = new CosStorageDriver(client, BUCKET, emulator.region, true, { copyThreshold: 1, copyPartSize: MiB });
  return createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir }, pairs: mergePairs(cosService), defaults: {}, loose: false });
}

/** Each call that sends user metadata, given `metadata`: on `dst` (holding "old"), or copying `src` there. */
const PATHS: Array<[string, (s: Storager, metadata: Record<string, string>) => Promise<unknown>, boolean]> = [
  ["write", (s, metadata) => s.write("dst", Buffer.from("new"), { metadata }), false],
  ["write in parts", (s, metadata) => s.write("dst", Buffer.alloc(3 * MiB, 1), { metadata }), false],
  ["write of a stream of unknown length", (s, metadata) => s.write("dst", Readable.from([Buffer.alloc(2 * MiB, 2)]), { metadata }), false],
  ["createWriteStream", (s, metadata) => pipeline(Readable.from([Buffer.alloc(3 * MiB, 3)]), s.createWriteStream("dst", { metadata })), false],
  ["createMultipart", (s, metadata) => s.createMultipart("dst", { metadata }), false],
  ["createAppend (which deletes what is at the key first)", (s, metadata) => s.createAppend("dst", { metadata }), false],
  ["copy with replaced metadata", (s, metadata) => s.copy("src", "dst", { metadata }), false],
  ["copy onto itself with replaced metadata", (s, metadata) => s.copy("dst", "dst", { metadata }), false],
  ["multipart copy with replaced metadata", (s, metadata) => s.copy("src", "dst", { metadata }), true],
];

describe("cos: user metadata names", () => {
  it("takes letters, digits and - in any case; stat gives them lower-cased", async () => {
    const s = storeOf();
    await s.write("ok", Buffer.from("v"), { metadata: { "Content-Kind": "a", x1: "b", "-": "c" } });
    expect((await s.stat("ok")).metadata).toEqual({ "content-kind": "a", x1: "b", "-": "c" });
  });

  it.each(PATHS)("%s: a name of other characters is InvalidArgument before any request, and nothing changes", async (_name, call, partCopies) => {
    const s = storeOf(partCopies);
    await s.write("src", Buffer.from("source"));
    await s.write("dst", Buffer.from("old"), { metadata: { kept: "1" } });
    for (const name of REFUSED) {
      const before = emulator.stats().requests;
      const e = await expectError(() => call(s, { fine: "1", [name]: "v" }), "InvalidArgument");
      expect(e.message).toContain(`metadata key ${JSON.stringify(name.toLowerCase())}: COS takes only letters, digits and "-"`);
      expect([name, emulator.stats().requests]).toEqual([name, before]);
    }
    expect((await s.read("dst")).toString()).toBe("old");
    expect((await s.stat("dst")).metadata).toEqual({ kept: "1" });
    expect((await s.read("src")).toString()).toBe("source");
    const uploads = [];
    for await (const u of s.list("", { mode: "part" })) uploads.push(u);
    expect(uploads).toEqual([]);
  });

  it("createAppend with more metadata than COS keeps refuses before deleting what is at the key", async () => {
    const s = storeOf();
    await s.write("dst", Buffer.from("old"));
    const before = emulator.stats().requests;
    await expectError(() => s.createAppend("dst", { metadata: { big: "x".repeat(2048) } }), "InvalidArgument");
    expect(emulator.stats().requests).toBe(before);
    expect((await s.read("dst")).toString()).toBe("old");
  });
});
