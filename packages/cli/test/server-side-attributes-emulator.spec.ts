/**
 * The built binary against the COS emulator: a copy within one bucket given attribute flags is
 * COS's own copy (CopyObject with the Replaced directive), never a GET and a PUT of the bytes; the
 * copy carries the source's content type, metadata and headers (one HEAD per source: COS's listing
 * has none of them) with the flags over them. mv -r is that copy, then each source deleted. What the
 * service's write refuses of a source (a UTF-8 metadata value another client stored) is left out
 * with a warning by cp, while mv keeps that source, as on a streamed copy. cp onto the object itself
 * changes its attributes in place.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import type { ObjectInfo, Storager } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { putPresigned } from "./presigned-put.js";
import { binary } from "./cli-run.js";
import { builtSuite } from "./helpers.js";

const BUCKET = "attr-1250000000";
const suite = builtSuite(["cos"]);
const ATTRIBUTES = ["contentType", "metadata", "cacheControl", "contentDisposition", "contentEncoding", "httpExpires"] as const;
type Attributes = Partial<Pick<ObjectInfo, (typeof ATTRIBUTES)[number]>>;
/** The source objects: bytes and attributes. */
const SOURCE: Record<string, { body: string; attributes: Attributes }> = {
  "a.html": {
    body: "<p>a</p>",
    attributes: { contentType: "text/html", metadata: { owner: "ops", tier: "web" }, contentDisposition: "inline", httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" },
  },
  "sub/b.bin": { body: "bee", attributes: { contentType: "application/x-bee", metadata: { k: "v" }, cacheControl: "max-age=5", contentEncoding: "gzip" } },
};
const BYTES = Object.values(SOURCE).reduce((n, o) => n + o.body.length, 0);
/** The operations that would carry an object's bytes through the client. */
const STREAMING = ["GetObject", "PutObject", "InitiateMultipartUpload", "UploadPart"];

suite("attribute flags on a copy within one COS bucket", () => {
  const ws = useWorkspace({ linkCosDriver: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
  let store: Storager;
  const cli = binary(ws, { env: () => ({ STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, "/") }), timeoutMs: 30_000 });
  const ops = (): Record<string, number> => emu.emulator.stats().byOperation;
  /** Requests of the operations that stream bytes, since the last reset. */
  const streamed = (): Record<string, number> => Object.fromEntries(STREAMING.filter((o) => ops()[o] !== undefined).map((o) => [o, ops()[o]!]));

  /** The attributes a stat of `path` reports (only those present). */
  const attributesOf = async (path: string): Promise<Attributes> => {
    const info = (await store.stat(path)) as unknown as Record<string, unknown>;
    return Object.fromEntries(ATTRIBUTES.filter((f) => info[f] !== undefined).map((f) => [f, info[f]])) as Attributes;
  };
  const attributesBelow = async (dir: string): Promise<Record<string, Attributes>> => {
    const out: Record<string, Attributes> = {};
    for (const name of Object.keys(SOURCE)) out[name] = await attributesOf(dir + name);
    return out;
  };
  const want = (over: Attributes): Record<string, Attributes> => Object.fromEntries(Object.entries(SOURCE).map(([name, o]) => [name, { ...o.attributes, ...over }]));
  const seed = async (dir: string): Promise<void> => {
    for (const [name, o] of Object.entries(SOURCE)) await store.write(dir + name, o.body, o.attributes);
  };

  /** A raw PUT of `key` (one byte) through a presigned URL, with `headers` as they are (core refuses such values). */
  const rawPut = async (key: string, headers: Record<string, string>): Promise<void> => {
    const pre = await store.presign("write", key, { expires: 300 });
    expect(await putPresigned(pre, headers, "m")).toBe(200);
  };

  beforeAll(async () => {
    const { newStorager } = await import("@stowage/core");
    await import("@stowage/cos");
    store = newStorager(emu.emulator.connectionString(BUCKET, "/"));
  });

  it("cp -r --cache-control: CopyObject per object, no GET or PUT; the copies keep the source's type, metadata and headers, the flag over them", async () => {
    await seed("t/");
    emu.emulator.resetStats();
    const r = await cli(["cp", "-r", "emu:t/", "emu:c/", "--cache-control", "no-cache", "--stats-json", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ objects: { copied: 2 }, bytes: { sent: 0, serverSide: BYTES } });
    expect([ops()["CopyObject"], streamed()]).toEqual([2, {}]);
    expect(await attributesBelow("c/")).toEqual(want({ cacheControl: "no-cache" }));
    expect((await store.read("c/sub/b.bin")).toString()).toBe("bee");
  });

  it("mv -r --content-type: CopyObject then a delete per object, no GET or PUT; only the moved objects are left", async () => {
    await seed("mt/");
    emu.emulator.resetStats();
    const r = await cli(["mv", "-r", "emu:mt/", "emu:m/", "--content-type", "text/plain", "--stats-json", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ objects: { copied: 2 }, bytes: { sent: 0, serverSide: BYTES } });
    expect([ops()["CopyObject"], streamed()]).toEqual([2, {}]);
    expect(await attributesBelow("m/")).toEqual(want({ contentType: "text/plain" }));
    const left: string[] = [];
    for await (const o of store.list("mt/", { mode: "prefix" })) left.push(o.path);
    expect(left).toEqual([]);
  });

  it("a metadata value the write refuses: cp leaves it out with a warning, mv keeps that source; both server-side", async () => {
    await store.write("f/plain.txt", "p", { metadata: { a: "b" } });
    await rawPut("f/meta.txt", { "x-cos-meta-city": "Z\u00fcrich", "x-cos-meta-kind": "ascii" });
    emu.emulator.resetStats();
    const cp = await cli(["cp", "-r", "emu:f/", "emu:fc/", "--cache-control", "no-cache", "--quiet"]);
    expect([cp.code, cp.stderr]).toEqual([0, 'stowage: cp meta.txt: leaving out user metadata "city" (a write takes only printable-ASCII values under HTTP-token keys)\n']);
    expect([ops()["CopyObject"], streamed()]).toEqual([2, {}]);
    expect(await attributesOf("fc/meta.txt")).toEqual({ contentType: "application/octet-stream", metadata: { kind: "ascii" }, cacheControl: "no-cache" });
    expect(await attributesOf("fc/plain.txt")).toEqual({ contentType: "application/octet-stream", metadata: { a: "b" }, cacheControl: "no-cache" });
    emu.emulator.resetStats();
    const mv = await cli(["mv", "-r", "emu:f/", "emu:fm/", "--cache-control", "no-cache", "--quiet"]);
    expect(mv.code).toBe(11);
    expect(mv.stderr).toContain(
      'stowage: mv meta.txt: InvalidArgument: not moved: the destination cannot take user metadata "city" (a write takes only printable-ASCII values under HTTP-token keys); nothing was written and the source is kept (cp copies it without them)',
    );
    expect([ops()["CopyObject"], streamed()]).toEqual([1, {}]);
    expect((await store.stat("f/meta.txt")).metadata).toEqual({ city: "Z\u00c3\u00bcrich", kind: "ascii" });
    await expect(store.stat("fm/meta.txt")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await expect(store.stat("f/plain.txt")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect(await attributesOf("fm/plain.txt")).toEqual({ contentType: "application/octet-stream", metadata: { a: "b" }, cacheControl: "no-cache" });
  });

  it("cp onto the object itself changes its attributes in place with one CopyObject, the bytes and the rest kept", async () => {
    await seed("p/");
    emu.emulator.resetStats();
    const r = await cli(["cp", "emu:p/a.html", "emu:p/a.html", "--content-type", "text/html; charset=utf-8", "--stats-json", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ objects: { copied: 1 }, bytes: { sent: 0, serverSide: 8 } });
    expect([ops()["CopyObject"], streamed()]).toEqual([1, {}]);
    expect(await attributesOf("p/a.html")).toEqual({ ...SOURCE["a.html"]!.attributes, contentType: "text/html; charset=utf-8" });
    expect((await store.read("p/a.html")).toString()).toBe("<p>a</p>");
  });
});
