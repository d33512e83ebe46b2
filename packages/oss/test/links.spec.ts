import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, ErrorCode, newStorager, storageError, type BufferedResponse, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import type { OssClient } from "../src/client.js";
import "../src/index.js";
import { mayBeSymlink, statObject } from "../src/links.js";
import type { OssCall } from "../src/requests.js";

const BUCKET = "links-oss";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.stop();
});

function open(version: "v1" | "v4"): Storager {
  return newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&signature_version=${version}`);
}

/** Requests by operation since the last reset, without the zero entries. */
function requests(): Record<string, number> {
  return Object.fromEntries(Object.entries(emulator.stats().byOperation).filter(([, n]) => n > 0));
}

describe.each(["v1", "v4"] as const)("oss symlinks on the emulator (%s)", (version) => {
  it("creates a link with a HEAD of its target and PutSymlink, and stats it with HEAD + GetSymlink; plain objects and missing keys cost one HEAD", async () => {
    const s = open(version);
    const data = randomBytes(300);
    await s.write("dir/t ar+get é.bin", data);
    emulator.resetStats();
    const o = await s.createLink("links/l ink+ü 😀", "dir/t ar+get é.bin");
    // One HEAD of the target first (core: does it lead back to the link?), then PutSymlink.
    expect(requests()).toEqual({ HeadObject: 1, PutSymlink: 1 });
    expect(o).toMatchObject({ path: "links/l ink+ü 😀", mode: "link" });
    expect(o.linkTarget).toMatch(/\/dir\/t ar\+get é\.bin$/);
    emulator.resetStats();
    const st = await s.stat("links/l ink+ü 😀");
    expect(requests()).toEqual({ HeadObject: 1, GetSymlink: 1 });
    expect(st).toMatchObject({ mode: "link", linkTarget: o.linkTarget, system: { objectType: "Symlink" } });
    expect(st.size).toBeUndefined();
    emulator.resetStats();
    expect((await s.stat("dir/t ar+get é.bin")).mode).toBe("file");
    await expect(s.stat("links/missing")).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404, message: expect.stringContaining("NoSuchKey") });
    expect(requests()).toEqual({ HeadObject: 2 });
    emulator.resetStats();
    const read = await s.read("links/l ink+ü 😀");
    expect(crc64Decimal(read)).toBe(crc64Decimal(data));
    expect(requests()).toEqual({ GetObject: 1 });
  });

  it("stats a dangling link as a link (HEAD 404 SymlinkTargetNotExist, then GetSymlink); reading it is ObjectNotExist", async () => {
    const s = open(version);
    await s.createLink("dangling", "nowhere");
    emulator.resetStats();
    expect(await s.stat("dangling")).toMatchObject({ mode: "link" });
    expect(requests()).toEqual({ HeadObject: 1, GetSymlink: 1 });
    await expect(s.read("dangling")).rejects.toMatchObject({ code: "ObjectNotExist", message: expect.stringContaining("SymlinkTargetNotExist") });
  });

  it("a link to a link stats as a link and reads as ObjectNotExist (OSS follows one link only)", async () => {
    const s = open(version);
    await s.write("base", "bytes");
    await s.createLink("first", "base");
    await s.createLink("second", "first");
    expect((await s.stat("second")).linkTarget).toMatch(/\/first$/);
    await expect(s.read("second")).rejects.toMatchObject({ code: "ObjectNotExist", message: expect.stringContaining("InvalidTargetType") });
    await expect(s.copy("second", "copied")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await s.read("first")).toString()).toBe("bytes");
  });

  it("copy of a link copies its target's bytes; move of a link moves the link", async () => {
    const s = open(version);
    await s.write("t", "target bytes", { contentType: "text/plain" });
    await s.createLink("l", "t");
    await s.copy("l", "copy");
    expect(await s.stat("copy")).toMatchObject({ mode: "file", size: 12, contentType: "text/plain", crc64: crc64Decimal(Buffer.from("target bytes")) });
    await s.move("l", "moved");
    await expect(s.stat("l")).rejects.toMatchObject({ code: "ObjectNotExist" });
    const moved = await s.stat("moved");
    expect(moved.mode).toBe("link");
    expect(moved.linkTarget).toMatch(/\/t$/);
    expect((await s.read("moved")).toString()).toBe("target bytes");
  });

  it("copy of a link onto its own target is a copy onto itself: nothing is sent but the stats, the target is unchanged", async () => {
    const s = open(version);
    await s.write("t", "target bytes");
    await s.createLink("l", "t");
    const before = await s.stat("t");
    emulator.resetStats();
    await s.copy("l", "t");
    expect(requests().CopyObject).toBeUndefined();
    expect(requests().PutObject).toBeUndefined();
    const after = await s.stat("t");
    expect(after.etag).toBe(before.etag);
    expect((await s.read("t")).toString()).toBe("target bytes");
    expect((await s.stat("l")).mode).toBe("link");
  });

  it("lists links as links, and a link can replace an appendable object", async () => {
    const s = open(version);
    await s.write("d/t", "x");
    const a = await s.createAppend("d/l");
    await s.writeAppend(a, Buffer.from("appended"));
    await s.createLink("d/l", "d/t");
    const seen: string[] = [];
    for await (const o of s.list("d/", { mode: "dir" })) seen.push(`${o.path}:${o.mode}`);
    expect(seen).toEqual(["d/l:link", "d/t:file"]);
    expect((await s.read("d/l")).toString()).toBe("x");
  });
});

type Answer = { status: number; headers?: IncomingHttpHeaders } | Error;

/** An OssClient stand-in answering calls in order, recording their operations. */
function fakeClient(answers: Answer[]): { client: OssClient; calls: string[] } {
  const calls: string[] = [];
  const client = {
    async sendBuffered(call: OssCall, options: { accept?: (s: number) => boolean }): Promise<BufferedResponse> {
      calls.push(call.operation);
      const a = answers.shift();
      if (a === undefined) throw new Error("unexpected call");
      if (a instanceof Error) throw a;
      const accepted = options.accept ?? ((s: number) => s < 300);
      if (!accepted(a.status)) throw storageError(ErrorCode.ObjectNotExist, "not accepted by the test");
      const headers = a.headers ?? {};
      return { request: { method: "HEAD", protocol: "http", host: "h", path: "/", headers: {}, operation: call.operation }, status: a.status, headers, requestId: "rid", attempts: 1, earlierAttemptMayHaveApplied: false, body: Buffer.alloc(0), header: (n: string) => headers[n] as string | undefined };
    },
  } as unknown as OssClient;
  return { client, calls };
}

const xOssErr = (code: string): IncomingHttpHeaders => ({ "x-oss-err": Buffer.from(`<Error><Code>${code}</Code><Message>m</Message></Error>`).toString("base64") });
const LINK: Answer = { status: 200, headers: { "x-oss-symlink-target": "t%20x", etag: '"E"' } };

describe("stat's symlink detection (statObject)", () => {
  it("probes with GetSymlink only when a HEAD answer may be a link", () => {
    expect(mayBeSymlink(404, undefined)).toBe(true);
    expect(mayBeSymlink(404, "SymlinkTargetNotExist")).toBe(true);
    expect(mayBeSymlink(404, "NoSuchKey")).toBe(false);
    expect(mayBeSymlink(404, "NoSuchBucket")).toBe(false);
    expect(mayBeSymlink(400, "InvalidTargetType")).toBe(true);
    expect(mayBeSymlink(400, "InvalidArgument")).toBe(false);
    expect(mayBeSymlink(403, undefined)).toBe(false);
  });

  it("a 404 HEAD without x-oss-err costs a GetSymlink: a dangling link, or the original 404", async () => {
    const dangling = fakeClient([{ status: 404 }, LINK]);
    expect(await statObject(dangling.client, "k", {})).toMatchObject({ mode: "link", linkTarget: "/t x", etag: '"E"' });
    expect(dangling.calls).toEqual(["head_object", "get_symlink"]);
    const missing = fakeClient([{ status: 404 }, storageError(ErrorCode.ObjectNotExist, "get_symlink: NoSuchKey")]);
    await expect(statObject(missing.client, "k", {})).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404, requestId: "rid", service: "oss" });
    expect(missing.calls).toEqual(["head_object", "get_symlink"]);
  });

  it("a link to a link (HEAD 400 InvalidTargetType) is a link; other refusals are thrown as mapped, without a probe", async () => {
    const chained = fakeClient([{ status: 400, headers: xOssErr("InvalidTargetType") }, LINK]);
    expect((await statObject(chained.client, "k", {})).mode).toBe("link");
    const bad = fakeClient([{ status: 400, headers: xOssErr("InvalidArgument") }]);
    await expect(statObject(bad.client, "k", {})).rejects.toMatchObject({ code: "InvalidArgument", statusCode: 400 });
    expect(bad.calls).toEqual(["head_object"]);
    const replaced = fakeClient([{ status: 404, headers: xOssErr("SymlinkTargetNotExist") }, storageError(ErrorCode.ObjectModeInvalid, "NotSymlink")]);
    await expect(statObject(replaced.client, "k", {})).rejects.toMatchObject({ code: "ObjectNotExist", message: expect.stringContaining("SymlinkTargetNotExist") });
  });

  it("a HEAD 200 of type Symlink is confirmed with GetSymlink; other types are not", async () => {
    const link = fakeClient([{ status: 200, headers: { "x-oss-object-type": "Symlink", "content-length": "5" } }, LINK]);
    expect(await statObject(link.client, "k", {})).toMatchObject({ mode: "link", linkTarget: "/t x" });
    const plain = fakeClient([{ status: 200, headers: { "x-oss-object-type": "Normal", "content-length": "5" } }]);
    expect(await statObject(plain.client, "k", {})).toMatchObject({ mode: "file", size: 5 });
    expect(plain.calls).toEqual(["head_object"]);
  });
});
