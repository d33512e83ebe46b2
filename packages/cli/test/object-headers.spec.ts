/**
 * Cache-Control, Content-Disposition, Content-Encoding and Expires through the CLI: a streamed copy
 * between two storages keeps the source's (a tree's from the answer to the GET that reads each
 * object: the listing is made to carry none, as no service's does; one object's from its stat),
 * with no stat of the source added; a destination that stores none (fs) gets the copy without them
 * and a warning naming the headers, never their values, and a move keeps its source; the flags
 * `--cache-control`, `--content-disposition`, `--content-encoding` and `--expires` set them (over the
 * source's), `stat` shows them, a date `--expires` cannot read is a usage error, and a flag the
 * destination cannot store fails the command before anything is transferred. In process (memory
 * lives in one process), memory and fs.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { newStorager, NO_STORAGE_FEATURES, type ObjectHeaders, type ObjectInfo, type Storager, type WriteOptions } from "@stowage/core";
import { dropUncarried, leftOutWarning } from "../src/transfer/kept-fields.js";
import { bytes, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { statFields } from "./stat-fields.js";
import { inProcess } from "./cli-run.js";

const KiB = 1024;
const ALL: Required<ObjectHeaders> = {
  cacheControl: "public, max-age=86400",
  contentDisposition: 'attachment; filename="a.txt"',
  contentEncoding: "gzip",
  httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT",
};
const FIELDS = Object.keys(ALL) as Array<keyof ObjectHeaders>;
/** Each source object below a seeded directory: its bytes and headers. `sub/big.bin` is written in parts. */
const SOURCE: Record<string, { body: Buffer; headers: ObjectHeaders }> = {
  "a.txt": { body: Buffer.from("alpha"), headers: ALL },
  "sub/big.bin": { body: bytes(200 * KiB + 3, 3), headers: { cacheControl: "no-store", httpExpires: "Sat, 02 Jan 2027 00:00:00 GMT" } },
  "plain.txt": { body: Buffer.from("plain"), headers: {} },
};
/** Large-object flags: big.bin goes in 64 KiB parts. */
const LARGE = ["--large-threshold", "64K", "--part-size", "64K"];
/** The stderr line a copy of `a.txt` to fs prints (after `stowage: <command> `). */
const A_TO_FS = "a.txt: leaving out the source's Cache-Control, Content-Disposition, Content-Encoding and Expires (fs does not store them)";
const BIG_TO_FS = "sub/big.bin: leaving out the source's Cache-Control and Expires (fs does not store them)";

const ws = useWorkspace();
const run = inProcess(ws);

/** The storager class every `newStorager` makes (memory and fs alike): spied on below. */
const proto = Object.getPrototypeOf(newStorager("memory://headers-probe/")) as Storager;
/** Stat calls since the last reset: the store's name and the path. */
let stats: Array<[string, string]> = [];

/** The four headers of an object, as `stat --json` reports them (only those present). */
const headersOf = (loc: string): Promise<ObjectHeaders> => statFields(run, loc, FIELDS);

/** The headers of every SOURCE object below `base`. */
async function headersBelow(base: string): Promise<Record<string, ObjectHeaders>> {
  const out: Record<string, ObjectHeaders> = {};
  for (const name of Object.keys(SOURCE)) out[name] = await headersOf(base + name);
  return out;
}
const WANT = Object.fromEntries(Object.entries(SOURCE).map(([name, o]) => [name, o.headers]));

/** Writes the SOURCE objects below `dir` of memory store `store`, headers and all. */
async function seed(store: string, dir: string): Promise<void> {
  const s = newStorager(`memory://${store}${dir}`);
  for (const [name, o] of Object.entries(SOURCE)) await s.write(name, o.body, { ...o.headers, multipartThreshold: 64 * KiB, partSize: 64 * KiB });
}

beforeAll(async () => {
  await writeTree(join(ws.work, "files"), { "style.css.gz": bytes(100, 1), "note.txt": "note" });
  // As on COS, OSS and QingStor, whose listings carry none of the four: what a tree copy keeps of
  // them must come from its GET's answer.
  const list = proto.list;
  jest.spyOn(proto, "list").mockImplementation(async function* (this: Storager, ...args: Parameters<Storager["list"]>) {
    for await (const o of list.apply(this, args)) {
      const bare = { ...o };
      for (const f of FIELDS) delete bare[f];
      yield bare;
    }
  });
  const stat = proto.stat;
  jest.spyOn(proto, "stat").mockImplementation(function (this: Storager, ...args: Parameters<Storager["stat"]>) {
    stats.push([this.info.name, args[0]]);
    return stat.apply(this, args);
  });
  await seed("hsrc", "/t/");
});

afterAll(async () => {
  jest.restoreAllMocks();
});

describe("a streamed copy between two storages keeps the four headers", () => {
  it("cp -r: from each GET's answer (the listing carries none), with no stat of the source; big.bin in parts", async () => {
    const listed: ObjectInfo[] = [];
    for await (const o of newStorager("memory://hsrc/t/").list("", { mode: "prefix" })) listed.push(o);
    expect(listed.filter((o) => o.cacheControl !== undefined || o.httpExpires !== undefined)).toEqual([]);
    stats = [];
    const r = await run(["cp", "-r", "memory://hsrc/t/", "memory://hdst/cp/", "--stats-json", "--quiet", ...LARGE]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    // Streamed (two stores), not copied by the service.
    expect(JSON.parse(r.stdout)).toMatchObject({ objects: { copied: 3 }, bytes: { serverSide: 0, sent: 5 + 200 * KiB + 3 + 5 } });
    expect(stats.filter(([name]) => name === "hsrc")).toEqual([]);
    expect(await headersBelow("memory://hdst/cp/")).toEqual(WANT);
  });

  it("sync and mv -r keep them too", async () => {
    expect((await run(["sync", "memory://hsrc/t/", "memory://hdst/sync/", "--quiet", ...LARGE])).code).toBe(0);
    expect(await headersBelow("memory://hdst/sync/")).toEqual(WANT);
    await seed("hsrc", "/mv/");
    const mv = await run(["mv", "-r", "memory://hsrc/mv/", "memory://hdst/mv/", "--quiet", ...LARGE]);
    expect([mv.code, mv.stderr]).toEqual([0, ""]);
    expect(await headersBelow("memory://hdst/mv/")).toEqual(WANT);
    expect((await run(["ls", "-r", "memory://hsrc/mv/"])).stdout).toBe("");
  });

  it("a single-object cp and mv keep them (from the source's stat)", async () => {
    stats = [];
    expect((await run(["cp", "memory://hsrc/t/a.txt", "memory://hdst/one/a.txt", "--quiet"])).code).toBe(0);
    // The stat spy sees the source's stat (so its silence above means no stat).
    expect(stats.filter(([name]) => name === "hsrc").length).toBeGreaterThan(0);
    expect(await headersOf("memory://hdst/one/a.txt")).toEqual(ALL);
    await seed("hsrc", "/mv1/");
    expect((await run(["mv", "memory://hsrc/mv1/a.txt", "memory://hdst/mv1/a.txt", "--quiet"])).code).toBe(0);
    expect(await headersOf("memory://hdst/mv1/a.txt")).toEqual(ALL);
  });
});

describe("a copy to a destination that stores none of them (fs)", () => {
  it("cp -r copies every object without them and warns once per object, naming the headers, never the values", async () => {
    const r = await run(["cp", "-r", "memory://hsrc/t/", "local-cp/", "--quiet", ...LARGE]);
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n").filter(Boolean).sort()).toEqual([`stowage: cp ${A_TO_FS}`, `stowage: cp ${BIG_TO_FS}`]);
    for (const value of [...Object.values(ALL), "no-store"]) expect(r.stderr).not.toContain(value);
    expect(Object.keys(await readTree(join(ws.work, "local-cp"))).sort()).toEqual(["a.txt", "plain.txt", "sub/big.bin"]);
    // A single object too (its stat gave them).
    const one = await run(["cp", "memory://hsrc/t/a.txt", "local-one.txt", "--quiet"]);
    expect([one.code, one.stderr]).toEqual([0, "stowage: cp local-one.txt: leaving out the source's Cache-Control, Content-Disposition, Content-Encoding and Expires (fs does not store them)\n"]);
  });

  it("mv -r and mv fail such an object before writing it (exit 11) and keep its source, headers and all", async () => {
    await seed("hsrc", "/mvfs/");
    const r = await run(["mv", "-r", "memory://hsrc/mvfs/", "local-mv/", "--quiet", "--no-checkpoint", ...LARGE]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(
      "stowage: mv a.txt: InvalidArgument: not moved: the destination cannot take the source's Cache-Control, Content-Disposition, Content-Encoding and Expires (fs does not store them); nothing was written and the source is kept",
    );
    expect(r.stderr).toContain("stowage: mv sub/big.bin: InvalidArgument: not moved: the destination cannot take the source's Cache-Control and Expires");
    expect(r.stderr).not.toContain(ALL.cacheControl);
    // Only the object without headers moved.
    expect(Object.keys(await readTree(join(ws.work, "local-mv")))).toEqual(["plain.txt"]);
    expect((await run(["ls", "-r", "memory://hsrc/mvfs/"])).stdout.split("\n").filter(Boolean)).toEqual(["a.txt", "sub/big.bin"]);
    expect(await headersOf("memory://hsrc/mvfs/a.txt")).toEqual(ALL);
    const one = await run(["mv", "memory://hsrc/mvfs/a.txt", "local-mv1.txt", "--quiet", "--no-checkpoint"]);
    expect(one.code).toBe(11);
    expect(existsSync(join(ws.work, "local-mv1.txt"))).toBe(false);
    expect(await headersOf("memory://hsrc/mvfs/a.txt")).toEqual(ALL);
  });
});

describe("the header flags", () => {
  it("put sets them; stat shows them (human and --json); --expires is sent as an HTTP date; a .gz gets no Content-Encoding unasked", async () => {
    const flags = ["--cache-control", "max-age=60", "--content-disposition", "inline", "--content-encoding", "gzip", "--expires", "2027-01-01T08:00:00+08:00"];
    expect((await run(["put", "files/style.css.gz", "memory://hflag/style.css", "--content-type", "text/css", "--quiet", ...flags])).code).toBe(0);
    const want = { cacheControl: "max-age=60", contentDisposition: "inline", contentEncoding: "gzip", httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" };
    expect(await headersOf("memory://hflag/style.css")).toEqual(want);
    const human = (await run(["stat", "memory://hflag/style.css"])).stdout.split("\n");
    expect(human).toEqual(
      expect.arrayContaining([
        "contentType: text/css",
        "cacheControl: max-age=60",
        "contentDisposition: inline",
        "contentEncoding: gzip",
        "httpExpires: Fri, 01 Jan 2027 00:00:00 GMT",
      ]),
    );
    // From stdin too.
    expect((await run(["put", "-", "memory://hflag/piped.txt", "--quiet", ...flags], "piped")).code).toBe(0);
    expect(await headersOf("memory://hflag/piped.txt")).toEqual(want);
    // Without flags: the type .gz stands for, and no encoding.
    expect((await run(["put", "files/style.css.gz", "memory://hflag/plain.gz", "--quiet"])).code).toBe(0);
    const info = JSON.parse((await run(["stat", "--json", "memory://hflag/plain.gz"])).stdout) as ObjectInfo;
    expect([info.contentType, info.contentEncoding]).toEqual(["application/gzip", undefined]);
  });

  it("cp -r, sync and cp within one store: a flag wins over the source's value, the other headers are kept", async () => {
    const r = await run(["cp", "-r", "memory://hsrc/t/", "memory://hdst/flag/", "--cache-control", "no-cache", "--quiet", ...LARGE]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const want = Object.fromEntries(Object.entries(WANT).map(([name, h]) => [name, { ...h, cacheControl: "no-cache" }]));
    expect(await headersBelow("memory://hdst/flag/")).toEqual(want);
    expect((await run(["sync", "memory://hsrc/t/", "memory://hdst/flag-sync/", "--expires", "2030-06-01", "--quiet", ...LARGE])).code).toBe(0);
    expect((await headersBelow("memory://hdst/flag-sync/"))["plain.txt"]).toEqual({ httpExpires: "Sat, 01 Jun 2030 00:00:00 GMT" });
    // Within one store the copy is the service's, given the source's headers with the flag over them.
    const one = await run(["cp", "memory://hsrc/t/a.txt", "memory://hsrc/flag/a.txt", "--content-disposition", "inline", "--stats-json", "--quiet"]);
    expect(JSON.parse(one.stdout)).toMatchObject({ bytes: { serverSide: 5, sent: 0 } });
    expect(await headersOf("memory://hsrc/flag/a.txt")).toEqual({ ...ALL, contentDisposition: "inline" });
  });

  it("a date --expires cannot read, or a value no header can carry, is a usage error (exit 2): nothing written", async () => {
    const cases: Array<[string[], string]> = [
      [["put", "files/note.txt", "memory://hbad/x.txt", "--expires", "next tuesday"], "option '--expires <http-date>' argument 'next tuesday' is invalid. not a date"],
      [["cp", "-r", "memory://hsrc/t/", "memory://hbad/t/", "--expires", "2027-13-45"], "option '--expires <http-date>' argument '2027-13-45' is invalid. not a date"],
      // A number of seconds (presign's --expires) is no date: Date.parse would read the year 3600.
      [["put", "files/note.txt", "memory://hbad/y.txt", "--expires", "3600"], "option '--expires <http-date>' argument '3600' is invalid. not a date"],
      [
        ["put", "files/note.txt", "memory://hbad/y.txt", "--content-disposition", "attachment; filename=\u00e9.txt"],
        "argument 'attachment; filename=\u00e9.txt' is invalid. Content-Disposition must be printable ASCII",
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect([argv.join(" "), r.code]).toEqual([argv.join(" "), 2]);
      expect(r.stderr).toContain(message);
    }
    expect((await run(["ls", "-r", "memory://hbad/"])).stdout).toBe("");
  });

  it("a flag the destination cannot store (fs) fails the command before anything is transferred (PairUnsupported, exit 6)", async () => {
    const cases: Array<[string[], string]> = [
      [["put", "files/note.txt", "fs-put/note.txt", "--cache-control", "no-store"], "--cache-control"],
      [["put", "-", "fs-put/piped.txt", "--content-encoding", "gzip"], "--content-encoding"],
      [["cp", "-r", "memory://hsrc/t/", "fs-cp/", "--content-disposition", "inline"], "--content-disposition"],
      [["cp", "memory://hsrc/t/plain.txt", "fs-cp1/plain.txt", "--expires", "2027-01-01"], "--expires"],
      [["sync", "files/", "fs-sync/", "--cache-control", "no-store"], "--cache-control"],
    ];
    for (const [argv, flag] of cases) {
      const r = await run(argv, "piped");
      expect([argv.join(" "), r.code]).toEqual([argv.join(" "), 6]);
      expect(r.stderr).toContain(`PairUnsupported: ${flag}: fs stores no `);
      expect(r.stderr).toContain("nothing was transferred");
    }
    for (const dir of ["fs-put", "fs-cp", "fs-cp1", "fs-sync"]) expect(await readTree(join(ws.work, dir))).toEqual({});
    // mv too: the source stays.
    expect((await run(["mv", "-r", "memory://hsrc/t/", "fs-mv/", "--cache-control", "no-store"])).code).toBe(6);
    expect(await headersBelow("memory://hsrc/t/")).toEqual(WANT);
  });
});

describe("dropUncarried and the four headers", () => {
  it("keeps a metadata key named like an inherited member (__proto__) as an entry, when something else is left out", () => {
    const options: WriteOptions = { metadata: JSON.parse('{"__proto__":"p","bad key":"v","ok":"1"}') as Record<string, string> };
    expect(dropUncarried(options, undefined)?.metadataKeys).toEqual(["bad key"]);
    expect(JSON.stringify(options.metadata)).toBe('{"__proto__":"p","ok":"1"}');
  });

  it("leaves out a header the destination cannot store, or whose value a write refuses; never a flag's", () => {
    const options: WriteOptions = { cacheControl: "max-age=1", contentEncoding: "gzip", contentDisposition: "inline; filename=\u00e9" };
    const memoryLike = { ...NO_STORAGE_FEATURES, cacheControl: true, contentDisposition: true, contentEncoding: false, httpExpires: true };
    expect(dropUncarried(options, undefined, undefined, memoryLike)).toEqual({
      metadataKeys: [],
      oversizeKeys: [],
      contentType: false,
      headers: ["contentDisposition"],
      unstored: ["contentEncoding"],
    });
    expect(options).toEqual({ cacheControl: "max-age=1" });
    const given: WriteOptions = { contentEncoding: "br" };
    expect(dropUncarried(given, { contentEncoding: "br" }, undefined, memoryLike)).toBeUndefined();
    expect(given).toEqual({ contentEncoding: "br" });
  });

  it("leaves out a source's Expires that is no HTTP date (another client's \"0\"), saying a write takes only a date", () => {
    const options: WriteOptions = { httpExpires: "0", cacheControl: "no-cache" };
    const left = dropUncarried(options, undefined, undefined, { ...NO_STORAGE_FEATURES, cacheControl: true, httpExpires: true });
    expect(left?.headers).toEqual(["httpExpires"]);
    expect(options).toEqual({ cacheControl: "no-cache" });
    expect(leftOutWarning(left!)).toContain("Expires only an HTTP date");
  });
});
