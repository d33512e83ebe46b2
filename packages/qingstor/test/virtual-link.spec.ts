import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, isStorageError, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import fc from "fast-check";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { decodeLinkTarget, encodeLinkTarget, goQueryEscape, LINK_CONTENT_TYPE, qingstorService, type QingStorOptions } from "../src/index.js";
import { parseListObjects } from "../src/responses.js";
import { QingStorStorageDriver } from "../src/storager.js";
import { emulatorStorager } from "./emulator-storager.js";

const BUCKET = "link-bucket";
const CREDS = { accessKeyId: "stowage-ak", secretAccessKey: "stowage-sk" };
let emulator: Emulator;

const md5 = (b: Buffer): string => createHash("md5").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.stop();
});

/** A storager on a fresh work_dir, with or without virtual links, and its work_dir key prefix. */
function store(links: boolean, workDir = `/${randomUUID()}/`): { s: Storager<QingStorOptions>; prefix: string } {
  const s = newStorager<QingStorOptions>(`${emulator.connectionString(BUCKET, workDir)}${links ? "&enable_virtual_link=true" : ""}`);
  return { s, prefix: workDir.slice(1) };
}

/** The requests the emulator answered since the last reset, by operation. */
function requests(): { total: number; byOperation: Record<string, number> } {
  const stats = emulator.stats();
  return { total: stats.requests, byOperation: stats.byOperation };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isStorageError(e) ? e.code : "not a StorageError";
  }
  return undefined;
}

describe("the link target value (x-qs-meta-bs-link-target)", () => {
  it("escapes as the Go SDK's URLQueryEscape does", () => {
    expect(goQueryEscape("dir/a b+c=d*~!'()é")).toBe("dir/a%20b%2Bc=d%2A~%21%27%28%29%C3%A9");
  });

  it("is go-storage's value: printable ASCII as it is, anything else escaped", () => {
    expect(encodeLinkTarget("wd/a b+c%20d.txt")).toBe("wd/a b+c%20d.txt");
    expect(encodeLinkTarget("wd/文件 é.txt")).toBe("wd/%E6%96%87%E4%BB%B6%20%C3%A9.txt");
    // What HTTP would trim or mangle is escaped too, and so is an ASCII key that reads as an escape.
    expect(encodeLinkTarget("wd/trailing ")).toBe("wd/trailing%20");
    expect(encodeLinkTarget("wd/tab\there")).toBe("wd/tab\there");
    expect(encodeLinkTarget("wd/tab\t")).toBe("wd/tab%09");
    expect(encodeLinkTarget("wd/bell\x07")).toBe("wd/bell%07");
    expect(encodeLinkTarget("%C3%A9")).toBe("%25C3%25A9");
  });

  it("round-trips keys (which never start with /) with spaces, +, %, unicode and control characters exactly", () => {
    const keys = ["a b", "a+b", "100%", "a%20b", "%C3%A9", "%25C3%25A9", " lead", "trail ", "é", "文件/子 目录+%2F=x", "tab\t", "in\tside", "\x7f", "a/b=c", "emoji 😀"];
    for (const key of keys) expect(decodeLinkTarget(encodeLinkTarget(key))).toBe(key);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((k) => !k.startsWith("/")), (key) => decodeLinkTarget(encodeLinkTarget(key)) === key),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[ -.0-~%][ -~%]{0,29}$/), (key) => decodeLinkTarget(encodeLinkTarget(key)) === key),
      { numRuns: 500 },
    );
    // ASCII keys that are themselves escapes (of escapes) of other keys.
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 3 }), (inner, depth) => {
        let key = inner;
        for (let i = 0; i < depth; i++) key = goQueryEscape(key);
        return key.startsWith("/") || decodeLinkTarget(encodeLinkTarget(key)) === key;
      }),
      { numRuns: 500 },
    );
  });

  it("reads an absolute value (a leading /) as the key", () => {
    expect(decodeLinkTarget("/wd/x")).toBe("wd/x");
    expect(decodeLinkTarget("/wd/%C3%A9")).toBe("wd/é");
  });

  it("refuses a value or target that is no string with InvalidArgument naming the helper, never the value", () => {
    const secretish = { toString: () => "S3cretValue0123" };
    for (const v of [undefined, null, 5, {}, secretish]) {
      for (const [name, call] of [
        ["encodeLinkTarget: targetKey", () => encodeLinkTarget(v as never)],
        ["decodeLinkTarget: value", () => decodeLinkTarget(v as never)],
      ] as const) {
        let e: unknown;
        try {
          call();
        } catch (x) {
          e = x;
        }
        expect(isStorageError(e) && e.code).toBe("InvalidArgument");
        expect((e as Error).message).toContain(`${name} must be a string`);
        expect((e as Error).message).not.toContain("S3cretValue0123");
      }
    }
  });

  it("refuses a target whose value exceeds QingStor's 2 KB of metadata", () => {
    let e: unknown;
    try {
      encodeLinkTarget("é".repeat(400));
    } catch (x) {
      e = x;
    }
    expect(isStorageError(e) && e.code).toBe("InvalidArgument");
  });

  it("lists keys of the link type as links only when links are on", () => {
    const body = Buffer.from(JSON.stringify({ has_more: false, keys: [{ key: "l", mime_type: LINK_CONTENT_TYPE, size: 0, etag: '"e"' }, { key: "f", mime_type: "text/plain", size: 3 }] }));
    expect(parseListObjects(body, true).items.map((o) => [o.key, o.mode, o.size])).toEqual([
      ["f", "file", 3],
      ["l", "link", undefined],
    ]);
    expect(parseListObjects(body).items.map((o) => o.mode)).toEqual(["file", "file"]);
  });
});

describe("virtual links on the emulator", () => {
  it("is off by default: createLink is CapabilityInsufficient, and a link object is a plain object", async () => {
    const { s, prefix } = store(false);
    expect(s.features.createLink).toBe(false);
    expect(await code(s.createLink("link", "target"))).toBe("CapabilityInsufficient");
    await expect(s.createLink("link", "target")).rejects.toThrow(/cannot create_link \(open the storager with enable_virtual_link to have it\)/);
    const links = newStorager<QingStorOptions>(`${emulator.connectionString(BUCKET, `/${prefix}`)}&enable_virtual_link`);
    expect(links.features.createLink).toBe(true);
    await links.createLink("link", "target");
    expect(await s.stat("link")).toMatchObject({ mode: "file", size: 0, contentType: LINK_CONTENT_TYPE, metadata: { "bs-link-target": `${prefix}target` } });
    await s.delete("link");
  });

  it("costs one request for the stat of a plain object, two for a whole read of a link, and no extra HEAD for a copy", async () => {
    const { s } = store(true);
    const data = randomBytes(5000);
    await s.write("target", data);
    await s.createLink("link", "target");
    emulator.resetStats();
    expect((await s.stat("target")).mode).toBe("file");
    expect(requests()).toEqual({ total: 1, byOperation: { HeadObject: 1 } });
    emulator.resetStats();
    expect(md5(await s.read("link"))).toBe(md5(data));
    expect(requests()).toEqual({ total: 2, byOperation: { GetObject: 2 } });
    emulator.resetStats();
    expect(md5(await s.read("target"))).toBe(md5(data));
    expect(requests()).toEqual({ total: 1, byOperation: { GetObject: 1 } });
    emulator.resetStats();
    await s.copy("target", "copy");
    expect(requests()).toEqual({ total: 2, byOperation: { HeadObject: 1, CopyObject: 1 } });
    emulator.resetStats();
    await s.copy("link", "copy2");
    expect(requests()).toEqual({ total: 3, byOperation: { HeadObject: 2, CopyObject: 1 } });
    expect(await s.stat("copy2")).toMatchObject({ mode: "file", size: data.length, etag: `"${md5(data)}"` });
    // A ranged read of a link: the zero-byte link refuses the range (416), a HEAD finds the link.
    emulator.resetStats();
    expect(await s.read("link", { offset: 10, size: 20 })).toEqual(data.subarray(10, 30));
    expect(requests()).toEqual({ total: 3, byOperation: { GetObject: 2, HeadObject: 1 } });
    await s.deleteMany(["target", "link", "copy", "copy2"]);
  });

  it("returns the target's answer from a read: its object and MD5, not the link's", async () => {
    const workDir = `/${randomUUID()}/`;
    const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${emulator.port}`)), BUCKET, CREDS);
    const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true, {}, true);
    const s = createStorager(driver, { definition: qingstorService, config: { name: BUCKET, workDir }, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
    const data = randomBytes(1000);
    await s.write("t", data);
    await s.createLink("l", "t");
    const opened = await driver.read(`${workDir.slice(1)}l`, {}, {});
    const body = Buffer.concat(await opened.stream.toArray());
    expect(body).toEqual(data);
    expect(opened.md5).toBe(md5(data));
    expect(opened.object).toMatchObject({ key: `${workDir.slice(1)}t`, mode: "file", size: 1000, etag: `"${md5(data)}"` });
    await s.deleteMany(["t", "l"]);
  });

  it("reads go-storage's links (metadata only, no link type): stat says link, list says file", async () => {
    const { s, prefix } = store(true);
    await s.write("target", "go-storage target");
    // What go-storage's createLink PUTs: an empty object with x-qs-meta-bs-link-target: <work_dir key of the target>.
    await s.write("go-link", Buffer.alloc(0), { metadata: { "bs-link-target": `${prefix}target` } });
    expect(await s.stat("go-link")).toMatchObject({ mode: "link", linkTarget: `/${prefix}target` });
    expect((await s.stat("go-link")).size).toBeUndefined();
    expect((await s.read("go-link")).toString()).toBe("go-storage target");
    const listed = [];
    for await (const o of s.list("", { mode: "prefix" })) listed.push([o.path, o.mode]);
    expect(listed).toEqual([
      ["go-link", "file"],
      ["target", "file"],
    ]);
    await s.deleteMany(["target", "go-link"]);
  });

  it("writes links go-storage reads: the same metadata value, raw or escaped as the Go SDK would", async () => {
    const { s, prefix } = store(true);
    const plain = store(false, `/${prefix}`).s;
    await s.createLink("ascii", "dir/a b+c%20d");
    await s.createLink("unicode", "dir/文件 é");
    expect((await plain.stat("ascii")).metadata).toEqual({ "bs-link-target": `${prefix}dir/a b+c%20d` });
    expect((await plain.stat("unicode")).metadata).toEqual({ "bs-link-target": `${prefix}dir/%E6%96%87%E4%BB%B6%20%C3%A9` });
    await s.deleteMany(["ascii", "unicode"]);
  });

  it("round-trips targets with spaces, +, % and unicode through stat, read, list and move", async () => {
    const { s, prefix } = store(true);
    const targets = ["dir/a b+c.txt", "dir/100%.txt", "dir/a%20b", "dir/%C3%A9", "dir/文件 é😀.txt", "dir/trailing ", "dir/in\tside"];
    for (const [i, target] of targets.entries()) {
      await s.write(target, `bytes of ${i}`);
      const link = `links/${i}`;
      expect((await s.createLink(link, target)).linkTarget).toBe(`/${prefix}${target}`);
      expect(await s.stat(link)).toMatchObject({ mode: "link", linkTarget: `/${prefix}${target}` });
      expect((await s.read(link)).toString()).toBe(`bytes of ${i}`);
    }
    const listed = [];
    for await (const o of s.list("links/", { mode: "dir" })) listed.push(o.mode);
    expect(listed).toEqual(targets.map(() => "link"));
    await s.move("links/4", "moved");
    expect(await s.stat("moved")).toMatchObject({ mode: "link", linkTarget: `/${prefix}${targets[4]}` });
    await s.deleteMany([...targets, ...targets.map((_, i) => `links/${i}`), "moved"]);
  });

  it("follows chains of links, and stops a loop with InvalidArgument", async () => {
    const workDir = `/${randomUUID()}/`;
    const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${emulator.port}`)), BUCKET, CREDS);
    const driver = new QingStorStorageDriver(client, BUCKET, "pek3a", true, {}, true);
    const s = createStorager(driver, { definition: qingstorService, config: { name: BUCKET, workDir }, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
    await s.write("end", "the end");
    await s.createLink("l1", "end");
    await s.createLink("l2", "l1");
    expect((await s.read("l2")).toString()).toBe("the end");
    await s.copy("l2", "copied");
    expect((await s.read("copied")).toString()).toBe("the end");
    await s.createLink("a", "b");
    // Core refuses the link that would close the loop: it is made beneath core (as another client could).
    expect(await code(s.createLink("b", "a"))).toBe("InvalidArgument");
    await driver.createLink(`${workDir.slice(1)}b`, `${workDir.slice(1)}a`, {});
    expect(await code(s.read("a"))).toBe("InvalidArgument");
    expect(await code(s.copy("a", "c"))).toBe("InvalidArgument");
    await s.createLink("dangling", "nowhere");
    expect(await code(s.copy("dangling", "c"))).toBe("ObjectNotExist");
    expect(await code(s.read("dangling", { offset: 1, size: 2 }))).toBe("ObjectNotExist");
    await s.deleteMany(["end", "l1", "l2", "copied", "a", "b", "dangling"]);
  });

  it("makes a copy of a link onto its own target a no-op", async () => {
    const { s } = store(true);
    await s.write("t", "keep");
    await s.createLink("l", "t");
    emulator.resetStats();
    await s.copy("l", "t");
    expect(requests().byOperation["CopyObject"]).toBeUndefined();
    expect((await s.read("t")).toString()).toBe("keep");
    await s.deleteMany(["t", "l"]);
  });
});

describe("virtual links with SSE-C", () => {
  it("encrypts the link with the storager's key, so stat and read work through it", async () => {
    const tls = await startEmulator({ provider: "qingstor", tls: true, buckets: [BUCKET] });
    try {
      const key = randomBytes(32);
      const s = emulatorStorager(tls, BUCKET, `/${randomUUID()}/`, { enableVirtualLink: true, encryptionCustomerKey: key });
      await s.write("secret", "encrypted bytes");
      await s.createLink("link", "secret");
      expect((await s.stat("link")).mode).toBe("link");
      expect((await s.read("link")).toString()).toBe("encrypted bytes");
      await s.deleteMany(["secret", "link"]);
    } finally {
      await tls.stop();
    }
  });
});
