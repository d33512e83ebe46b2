/**
 * QingStor stores Cache-Control and Content-Encoding only with a single PutObject (core
 * `features.objectHeadersSingleWriteOnly`): an object a streamed copy sends in parts (larger than
 * `--large-threshold`) cannot carry them. `cp -r` copies such an object without the source's, with
 * a warning naming the headers (never the values), why, and the `--large-threshold` that keeps them;
 * `mv` fails that object before writing it and keeps its source; a header flag that would fail
 * objects of the plan is refused before anything is transferred (`put -`, whose size is known only
 * once read, in the flags' words too). In process (memory is the source: it lives in one process),
 * against the QingStor emulator; a small `--large-threshold` sends the larger objects in parts.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { constants as bufferConstants } from "node:buffer";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager, type ObjectHeaders } from "@stowage/core";
import { bytes } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { statFields } from "./stat-fields.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const KiB = 1024;
/** The most one QingStor write request carries here: its 5 GiB single-write limit, at most what one Buffer holds (4 GiB on Node.js 20). */
const SINGLE = Math.min(5 * 1024 ** 3, bufferConstants.MAX_LENGTH);
const UP_TO = `up to ${SINGLE / 1024 ** 3} GiB`;
const BUCKET = "cli-qs-headers";
const FIELDS: Array<keyof ObjectHeaders> = ["cacheControl", "contentDisposition", "contentEncoding", "httpExpires"];
/** The source objects: bytes and headers. With {@link LARGE} all but `small.txt` go in parts. */
const SOURCE: Record<string, { body: Buffer; headers: ObjectHeaders }> = {
  "small.txt": { body: Buffer.from("alpha"), headers: { cacheControl: "public, max-age=60", contentEncoding: "gzip" } },
  "big.bin": { body: bytes(100 * KiB + 3, 2), headers: { cacheControl: "no-store", contentEncoding: "br" } },
  "plain.bin": { body: bytes(90 * KiB, 3), headers: {} },
  "all.bin": {
    body: bytes(70 * KiB + 1, 4),
    headers: { cacheControl: "max-age=5", contentDisposition: 'attachment; filename="all.bin"', contentEncoding: "identity", httpExpires: "Fri, 01 Jan 2027 00:00:00 GMT" },
  },
};
/** Objects over 64 KiB go in parts (QingStor's minimum part size, 4 MiB, makes each one part). */
const LARGE = ["--large-threshold", "64K"];
/** Why big.bin's headers are left out (after "the source's Cache-Control and Content-Encoding "). */
const BIG_WHY = `(qingstor stores them only with single-request writes, and this object goes in parts: a --large-threshold of at least 102403 (${UP_TO}) keeps them)`;

const ws = useWorkspace();
const emu = useEmulator({ provider: "qingstor", buckets: [BUCKET] });
const run = inProcess(ws, { env: () => ({ STOWAGE_PROFILE_Q: emu.emulator.connectionString(BUCKET, "/") }) });

/** What `stat --json` shows of the four headers (only those present). */
const headersOf = (loc: string): Promise<ObjectHeaders> => statFields(run, loc, FIELDS);

/** The names below `loc`. */
async function names(loc: string): Promise<string[]> {
  const r = await run(["ls", "-r", loc]);
  return r.stdout.split("\n").filter(Boolean).sort();
}

/** The bytes of `loc`, through `get` into a local file (fs keeps no headers: a warning may say so). */
async function bytesOf(loc: string, file: string): Promise<Buffer> {
  const r = await run(["get", loc, file, "--quiet"]);
  expect([loc, r.code]).toEqual([loc, 0]);
  return readFile(join(ws.work, file));
}

/** Writes the named SOURCE objects below `dir` of memory store `qsrc`, headers and all. */
async function seed(dir: string, which = Object.keys(SOURCE)): Promise<void> {
  const s = newStorager(`memory://qsrc${dir}`);
  for (const name of which) await s.write(name, SOURCE[name]!.body, SOURCE[name]!.headers);
}

const ops = (): Record<string, number> => emu.emulator.stats().byOperation;

beforeAll(async () => {
  await seed("/t/");
});

describe("a streamed copy to QingStor of an object that goes in parts", () => {
  it("cp -r copies it without the source's Cache-Control and Content-Encoding, with a warning; the others keep theirs", async () => {
    emu.emulator.resetStats();
    const r = await run(["cp", "-r", "memory://qsrc/t/", "q:cp/", "--quiet", "--no-checkpoint", ...LARGE]);
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n").filter(Boolean).sort()).toEqual([
      "stowage: cp all.bin: leaving out the source's Content-Disposition and Expires (qingstor does not store them) and the source's Cache-Control and Content-Encoding " +
        `(qingstor stores them only with single-request writes, and this object goes in parts: a --large-threshold of at least 71681 (${UP_TO}) keeps them)`,
      `stowage: cp big.bin: leaving out the source's Cache-Control and Content-Encoding ${BIG_WHY}`,
    ]);
    for (const value of ["no-store", "br", "max-age=5", "identity", "all.bin\""]) expect(r.stderr).not.toContain(value);
    // In parts: three objects through InitiateMultipartUpload, small.txt with one PutObject.
    expect([ops()["InitiateMultipartUpload"], ops()["PutObject"]]).toEqual([3, 1]);
    expect(await names("q:cp/")).toEqual(["all.bin", "big.bin", "plain.bin", "small.txt"]);
    for (const name of Object.keys(SOURCE)) expect(await bytesOf(`q:cp/${name}`, `got-${name}`)).toEqual(SOURCE[name]!.body);
    expect(await headersOf("q:cp/big.bin")).toEqual({});
    expect(await headersOf("q:cp/all.bin")).toEqual({});
    expect(await headersOf("q:cp/small.txt")).toEqual(SOURCE["small.txt"]!.headers);
    // A single-object cp too (the headers from the source's stat).
    const one = await run(["cp", "memory://qsrc/t/big.bin", "q:one/big.bin", "--quiet", "--no-checkpoint", ...LARGE]);
    expect([one.code, one.stderr]).toEqual([0, `stowage: cp big.bin: leaving out the source's Cache-Control and Content-Encoding ${BIG_WHY}\n`]);
    expect(await headersOf("q:one/big.bin")).toEqual({});
    // The threshold the warning names keeps them: one PutObject.
    emu.emulator.resetStats();
    const kept = await run(["cp", "memory://qsrc/t/big.bin", "q:kept/big.bin", "--quiet", "--no-checkpoint", "--large-threshold", "102403"]);
    expect([kept.code, kept.stderr]).toEqual([0, ""]);
    expect([ops()["InitiateMultipartUpload"] ?? 0, ops()["PutObject"]]).toEqual([0, 1]);
    expect(await headersOf("q:kept/big.bin")).toEqual(SOURCE["big.bin"]!.headers);
  });

  it("mv -r and mv fail that object before writing it (exit 11) and keep its source, headers and all", async () => {
    await seed("/mv/", ["small.txt", "big.bin", "plain.bin"]);
    emu.emulator.resetStats();
    const r = await run(["mv", "-r", "memory://qsrc/mv/", "q:mv/", "--quiet", "--no-checkpoint", ...LARGE]);
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(
      `stowage: mv big.bin: InvalidArgument: not moved: the destination cannot take the source's Cache-Control and Content-Encoding ${BIG_WHY}; ` +
        "nothing was written and the source is kept (cp copies it without them)",
    );
    expect(r.stderr).not.toContain("no-store");
    // Only plain.bin went in parts; big.bin was never started.
    expect(ops()["InitiateMultipartUpload"]).toBe(1);
    expect(await names("q:mv/")).toEqual(["plain.bin", "small.txt"]);
    expect(await names("memory://qsrc/mv/")).toEqual(["big.bin"]);
    expect(await headersOf("memory://qsrc/mv/big.bin")).toEqual(SOURCE["big.bin"]!.headers);
    const one = await run(["mv", "memory://qsrc/mv/big.bin", "q:mv1/big.bin", "--quiet", "--no-checkpoint", ...LARGE]);
    expect(one.code).toBe(11);
    expect(one.stderr).toContain(`InvalidArgument: not moved: the destination cannot take the source's Cache-Control and Content-Encoding ${BIG_WHY}`);
    expect(await names("q:mv1/")).toEqual([]);
    expect(await headersOf("memory://qsrc/mv/big.bin")).toEqual(SOURCE["big.bin"]!.headers);
    // Under a threshold that sends it whole, it moves, headers and all.
    const moved = await run(["mv", "memory://qsrc/mv/big.bin", "q:mv1/big.bin", "--quiet", "--no-checkpoint", "--large-threshold", "1M"]);
    expect([moved.code, moved.stderr]).toEqual([0, ""]);
    expect(await headersOf("q:mv1/big.bin")).toEqual(SOURCE["big.bin"]!.headers);
    expect(await names("memory://qsrc/mv/")).toEqual([]);
  });
});

describe("a header flag on objects that go in parts to QingStor", () => {
  it("cp -r, cp and put are refused before anything is transferred (PairUnsupported, exit 6), naming the flag and the threshold that keeps it", async () => {
    emu.emulator.resetStats();
    const tree = await run(["cp", "-r", "memory://qsrc/t/", "q:flag/", "--cache-control", "max-age=1", "--quiet", "--no-checkpoint", ...LARGE]);
    expect(tree.code).toBe(6);
    expect(tree.stderr).toContain(
      "PairUnsupported: --cache-control: qingstor stores Cache-Control only with single-request writes, and 3 of the 4 objects go in parts, being larger than 64 KiB " +
        `(the largest: big.bin, 102403 bytes); a --large-threshold of at least 102403 (${UP_TO}) keeps it, or leave the flag out; nothing was transferred`,
    );
    const one = await run(["cp", "memory://qsrc/t/plain.bin", "q:flag/plain.bin", "--cache-control", "max-age=1", "--content-encoding", "gzip", "--quiet", ...LARGE]);
    expect(one.code).toBe(6);
    expect(one.stderr).toContain(
      "PairUnsupported: --cache-control and --content-encoding: qingstor stores Cache-Control and Content-Encoding only with single-request writes, " +
        `and the object (92160 bytes) goes in parts, being larger than 64 KiB; a --large-threshold of at least 92160 (${UP_TO}) keeps them, or leave the flags out; nothing was transferred`,
    );
    const piped = await run(["put", "-", "q:flag/piped.bin", "--content-encoding", "gzip", "--quiet", ...LARGE], "x".repeat(70 * KiB));
    expect(piped.code).toBe(6);
    expect(piped.stderr).toContain(
      "PairUnsupported: --content-encoding: qingstor stores Content-Encoding only with single-request writes, and stdin gave more than 64 KiB, so the object goes in parts; " +
        `a --large-threshold of at least its size (${UP_TO}) keeps it, or leave the flag out; nothing was stored`,
    );
    expect(await names("q:flag/")).toEqual([]);
    expect(ops()["PutObject"] ?? 0).toBe(0);
    expect(ops()["InitiateMultipartUpload"] ?? 0).toBe(0);
    // A threshold above every size: the flag is stored on every object.
    const ok = await run(["cp", "-r", "memory://qsrc/t/", "q:flag/", "--cache-control", "max-age=1", "--quiet", "--no-checkpoint", "--large-threshold", "1M"]);
    expect(ok.code).toBe(0);
    for (const name of Object.keys(SOURCE)) expect((await headersOf(`q:flag/${name}`)).cacheControl).toBe("max-age=1");
  });
});
