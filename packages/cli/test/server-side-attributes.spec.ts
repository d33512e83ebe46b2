/**
 * A copy within one storage given attribute flags (`--cache-control`, `--content-type`, ...) stays
 * the service's own copy where the storage copies with attributes (`copyAttributes`): nothing is
 * read or written through the client, and the copy carries the source's content type, metadata and
 * headers (from one stat of each source: the listing is made to carry none of them, as COS's and
 * OSS's carry none) with the flags over them. mv is that copy, then the source deleted. A cp onto the
 * object itself changes its attributes in place; where it cannot (fs, `--no-server-side`) or for a
 * mv, it is refused and nothing changes. In process (memory lives in one process).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { join } from "node:path";
import { newStorager, type ObjectInfo, type Storager } from "@stowage/core";
import { writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { statFields } from "./stat-fields.js";
import { inProcess } from "./cli-run.js";

const ATTRIBUTES = ["contentType", "metadata", "cacheControl", "contentDisposition", "contentEncoding", "httpExpires"] as const;
type Attributes = Partial<Pick<ObjectInfo, (typeof ATTRIBUTES)[number]>>;
/** The source objects: bytes and attributes. */
const SOURCE: Record<string, { body: string; attributes: Attributes }> = {
  "a.html": {
    body: "<p>a</p>",
    attributes: { contentType: "text/html", metadata: { owner: "ops", tier: "web" }, contentDisposition: "inline", httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" },
  },
  "sub/b.bin": { body: "bee", attributes: { contentType: "application/x-bee", cacheControl: "max-age=5", contentEncoding: "gzip" } },
  "plain.txt": { body: "plain", attributes: {} },
};
const BYTES = Object.values(SOURCE).reduce((n, o) => n + o.body.length, 0);

const ws = useWorkspace();
const run = inProcess(ws);

/** The storager class every `newStorager` makes: spied on below. */
const proto = Object.getPrototypeOf(newStorager("memory://attr-probe/")) as Storager;
/** Calls of the storager's methods since the last reset, by name. */
let calls: Record<string, number> = {};

/** The attributes `stat --json` reports for `loc` (only those present). */
const attributesOf = (loc: string): Promise<Attributes> => statFields(run, loc, ATTRIBUTES);

/** The attributes of every SOURCE object below `base`. */
async function attributesBelow(base: string): Promise<Record<string, Attributes>> {
  const out: Record<string, Attributes> = {};
  for (const name of Object.keys(SOURCE)) out[name] = await attributesOf(base + name);
  return out;
}

/** The SOURCE attributes, each object's with `over` over them. */
function want(over: Attributes): Record<string, Attributes> {
  return Object.fromEntries(Object.entries(SOURCE).map(([name, o]) => [name, { ...o.attributes, ...over }]));
}

/** Writes the SOURCE objects below `dir` of memory store `store`. */
async function seed(store: string, dir: string): Promise<void> {
  const s = newStorager(`memory://${store}${dir}`);
  for (const [name, o] of Object.entries(SOURCE)) await s.write(name, o.body, o.attributes);
}

beforeAll(async () => {
  await writeTree(join(ws.work, "files"), { "f.txt": "file" });
  // As on COS and OSS, whose listings carry no type, metadata or headers: a copy must stat the source.
  const list = proto.list;
  jest.spyOn(proto, "list").mockImplementation(async function* (this: Storager, ...args: Parameters<Storager["list"]>) {
    for await (const o of list.apply(this, args)) {
      const bare = { ...o };
      for (const f of ATTRIBUTES) delete bare[f];
      yield bare;
    }
  });
  for (const name of ["copy", "move", "stat", "read", "write", "createReadStream"] as const) {
    const original = proto[name] as (...a: unknown[]) => unknown;
    if (typeof original !== "function") continue;
    jest.spyOn(proto, name).mockImplementation(function (this: Storager, ...args: unknown[]) {
      calls[name] = (calls[name] ?? 0) + 1;
      return original.apply(this, args) as never;
    } as never);
  }
});

afterAll(async () => {
  jest.restoreAllMocks();
});

describe("a copy within one storage with attribute flags stays server-side", () => {
  it("cp -r --cache-control: the service's copy, carrying the source's type, metadata and headers with the flag over them", async () => {
    await seed("attr1", "/t/");
    calls = {};
    const r = await run(["cp", "-r", "memory://attr1/t/", "memory://attr1/c/", "--cache-control", "no-cache", "--stats-json", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ objects: { copied: 3 }, bytes: { sent: 0, serverSide: BYTES } });
    // No byte through the client: three copies, no read or write.
    expect([calls["copy"], calls["read"] ?? 0, calls["write"] ?? 0, calls["createReadStream"] ?? 0]).toEqual([3, 0, 0, 0]);
    expect(await attributesBelow("memory://attr1/c/")).toEqual(want({ cacheControl: "no-cache" }));
    // The sources are as they were.
    expect(await attributesBelow("memory://attr1/t/")).toEqual(want({}));
  });

  it("sync and a single-object cp likewise; --content-type and --metadata (which replaces the source's) too", async () => {
    await seed("attr2", "/t/");
    calls = {};
    const s = await run(["sync", "memory://attr2/t/", "memory://attr2/s/", "--expires", "2030-06-01", "--stats-json", "--quiet"]);
    expect([s.code, s.stderr]).toEqual([0, ""]);
    expect(JSON.parse(s.stdout)).toMatchObject({ objects: { copied: 3 }, bytes: { sent: 0, serverSide: BYTES } });
    expect(await attributesBelow("memory://attr2/s/")).toEqual(want({ httpExpires: "Sat, 01 Jun 2030 00:00:00 GMT" }));
    calls = {};
    const one = await run(["cp", "memory://attr2/t/a.html", "memory://attr2/one/a.html", "--content-type", "text/x-a", "--metadata", "k=v", "--stats-json", "--quiet"]);
    expect([one.code, one.stderr]).toEqual([0, ""]);
    expect(JSON.parse(one.stdout)).toMatchObject({ bytes: { sent: 0, serverSide: 8 } });
    expect([calls["copy"], calls["read"] ?? 0, calls["write"] ?? 0]).toEqual([1, 0, 0]);
    expect(await attributesOf("memory://attr2/one/a.html")).toEqual({ ...SOURCE["a.html"]!.attributes, contentType: "text/x-a", metadata: { k: "v" } });
  });

  it("mv -r --content-type: copies as cp does, then deletes the sources; nothing else is left", async () => {
    await seed("attr3", "/t/");
    calls = {};
    const r = await run(["mv", "-r", "memory://attr3/t/", "memory://attr3/m/", "--content-type", "text/plain", "--stats-json", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ objects: { copied: 3 }, bytes: { sent: 0, serverSide: BYTES } });
    expect([calls["copy"], calls["move"] ?? 0, calls["read"] ?? 0, calls["write"] ?? 0]).toEqual([3, 0, 0, 0]);
    expect(await attributesBelow("memory://attr3/m/")).toEqual(want({ contentType: "text/plain" }));
    const left = await run(["ls", "-r", "memory://attr3/"]);
    expect(left.stdout.split("\n").filter(Boolean).sort()).toEqual(["m/a.html", "m/plain.txt", "m/sub/b.bin"]);
    expect((await run(["cat", "memory://attr3/m/sub/b.bin"])).stdout).toBe("bee");
  });

  it("--no-server-side still streams", async () => {
    await seed("attr4", "/t/");
    const r = await run(["cp", "-r", "memory://attr4/t/", "memory://attr4/c/", "--cache-control", "no-cache", "--no-server-side", "--stats-json", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ bytes: { sent: BYTES, serverSide: 0 } });
    expect(await attributesBelow("memory://attr4/c/")).toEqual(want({ cacheControl: "no-cache" }));
  });
});

describe("cp onto the object itself with attribute flags", () => {
  it("changes its attributes in place, the bytes and the other attributes kept", async () => {
    await seed("attr5", "/t/");
    calls = {};
    const r = await run(["cp", "memory://attr5/t/a.html", "memory://attr5/t/a.html", "--content-type", "text/html; charset=utf-8", "--stats-json", "--quiet"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ objects: { copied: 1 }, bytes: { sent: 0, serverSide: 8 } });
    expect([calls["copy"], calls["read"] ?? 0, calls["write"] ?? 0]).toEqual([1, 0, 0]);
    expect(await attributesOf("memory://attr5/t/a.html")).toEqual({ ...SOURCE["a.html"]!.attributes, contentType: "text/html; charset=utf-8" });
    expect((await run(["cat", "memory://attr5/t/a.html"])).stdout).toBe("<p>a</p>");
  });

  it("is refused where it cannot be done (--no-server-side, fs, mv), naming why; nothing changes", async () => {
    await seed("attr6", "/t/");
    const cases: Array<[string[], string]> = [
      [
        ["cp", "memory://attr6/t/a.html", "memory://attr6/t/a.html", "--content-type", "text/x", "--no-server-side"],
        "its attributes cannot change in place: --no-server-side streams every copy",
      ],
      [["cp", "files/f.txt", "files/f.txt", "--cache-control", "no-cache"], "its attributes cannot change in place: fs cannot set attributes on a copy (it lacks the copyAttributes feature)"],
      [["mv", "memory://attr6/t/a.html", "memory://attr6/t/a.html", "--content-type", "text/x"], "to change its attributes in place, cp it onto itself with the flags"],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect([argv, r.code]).toEqual([argv, 11]);
      expect(r.stderr).toContain("source and destination are (or may be) the same object");
      expect(r.stderr).toContain(message);
    }
    // Without flags, as before: refused, with no word of attributes.
    const bare = await run(["cp", "memory://attr6/t/a.html", "memory://attr6/t/a.html"]);
    expect([bare.code, bare.stderr.includes("attributes")]).toEqual([11, false]);
    expect(await attributesOf("memory://attr6/t/a.html")).toEqual(SOURCE["a.html"]!.attributes);
  });
});
