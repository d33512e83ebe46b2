/**
 * Messages a new user meets first, in process: hints that lead to a string that works, flag
 * errors that say what is wrong, profiles named in their errors, long pairs kept short.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { EXIT_CODES, run, type CliIO } from "../src/index.js";
import { writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { binary, inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);
/** The built binary: a driver package is imported by Node there (jest maps `@stowage/*` imports itself). */
const bin = binary(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "a.txt": "alpha", "k.bin": Buffer.alloc(2048, 7) });
});

describe("L1: a scheme without a driver", () => {
  it("lists the schemes the CLI opens, and names no package to npm install", async () => {
    const r = await bin(["ls", "s3://bucket/dir/"]);
    expect(r.code).toBe(EXIT_CODES.ServiceNotRegistered);
    expect(r.stderr).toContain('no driver for "s3://"');
    expect(r.stderr).toMatch(/fs, memory, cos, oss,? (and )?qingstor/);
    expect(r.stderr).not.toContain("npm install");
    expect(r.stderr).not.toContain("bundles fs, memory;");
  });

  it.each([
    ["file:///tmp/x/", "fs:///tmp/x/"],
    ["file://localhost/tmp/x/", "fs:///tmp/x/"],
  ])("%s: did you mean %s", async (arg, hint) => {
    const r = await bin(["ls", arg]);
    expect(r.code).toBe(EXIT_CODES.ServiceNotRegistered);
    expect(r.stderr).toContain(`did you mean ${hint}`);
  });
});

describe("M1: fs:// hints for relative, home, Windows and host names", () => {
  it.each(["fs://.", "fs://..", "fs://~", "fs://C:\\data", "fs://c:", "fs://localhost"])("%s: fs needs an absolute POSIX directory", async (arg) => {
    const r = await cli(["ls", arg]);
    expect(r.code).toBe(EXIT_CODES.PairRequired);
    expect(r.stderr).toContain("absolute POSIX directory");
    expect(r.stderr).toContain("~ and Windows drives are not expanded");
    expect(r.stderr).not.toMatch(/did you mean fs:\/\/\/(\.|~|[Cc]:|localhost)/);
  });

  it("a plain name still gets the three-slash hint", async () => {
    const r = await cli(["ls", "fs://tmp"]);
    expect(r.code).toBe(EXIT_CODES.PairRequired);
    expect(r.stderr).toContain("did you mean fs:///tmp (three slashes)?");
  });

  // With a directory after the name, the library refuses the string (its hint, changed alike).
  it.each(["fs://./data", "fs://~/data", "fs://localhost/x"])("%s never suggests the same name under /", async (arg) => {
    const r = await cli(["ls", arg]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).not.toMatch(/fs:\/\/\/(\.|~|localhost)/);
  });
});

describe("L5: cat --offset and --size", () => {
  it("take sizes as presign does (1K), and refuse a negative one without claiming a minimum of 1", async () => {
    const r = await cli(["cat", "--offset", "1K", "--size", "2", "src/k.bin"]);
    expect([r.code, Buffer.from(r.stdout, "latin1").length]).toEqual([0, 2]);
    const zero = await cli(["cat", "--offset", "0", "--size", "3", "src/a.txt"]);
    expect([zero.code, zero.stdout]).toEqual([0, "alp"]);
    const negative = await cli(["cat", "--offset", "-1", "src/a.txt"]);
    expect(negative.code).toBe(EXIT_CODES.usage);
    expect(negative.stderr).not.toContain("at least 1");
    expect(negative.stderr).toContain('"-1" is not a size');
  });
});

describe("L6: get - refuses --stats-json", () => {
  it("because stdout carries the object", async () => {
    const r = await cli(["get", "src/a.txt", "-", "--stats-json"]);
    expect([r.code, r.stdout]).toEqual([EXIT_CODES.usage, ""]);
    expect(r.stderr).toContain("stdout carries the object");
    expect(r.stderr).not.toContain("a pipe is read or written once");
    const both = await cli(["get", "src/a.txt", "-", "--stats-json", "--verify"]);
    expect(both.stderr).toContain("--verify: a pipe is read or written once");
    expect(both.stderr).toContain("stdout carries the object");
  });
});

describe("L7: --help", () => {
  it("names every place profiles are read from", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("$XDG_CONFIG_HOME/stowage/profiles.json");
    expect(r.stdout).toContain("~/.config/stowage/profiles.json");
  });
});

describe("L13: a profile's bad connection string names the profile", () => {
  it("from an environment variable (a raw newline)", async () => {
    const r = await cli(["ls", "nl:"], { env: { ...ws.env, STOWAGE_PROFILE_NL: `fs://${ws.work}/src/\n` } });
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).toContain('profile "nl"');
    expect(r.stderr).toContain("STOWAGE_PROFILE_NL");
    expect(r.stderr).toContain("raw control character");
  });

  it("from the profiles file (an unknown pair, found when opening)", async () => {
    const config = join(ws.work, "profiles.json");
    await writeFile(config, JSON.stringify({ profiles: { bad: `fs://${ws.work}/src/?no_such_pair=1` } }));
    const r = await cli(["--config", config, "ls", "bad:"]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).toContain('profile "bad"');
    expect(r.stderr).toContain(config);
    expect(r.stderr).toContain('unknown pair "no_such_pair"');
  });
});

describe("M3: long pair values are shortened when a location is echoed", () => {
  it("mkdir's summary stays short, and secrets stay out", async () => {
    const long = "x".repeat(600);
    const secret = "S3CR3T".repeat(20);
    const r = await cli(["mkdir", `memory://m3/d/?enable_loose_pair&credential=hmac:AKID:${secret}&default_content_type=text/${long}`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("mkdir: made memory://m3/d/?");
    expect(r.stderr).not.toContain(long);
    expect(r.stderr).not.toContain("S3CR3T");
    expect(r.stderr).toContain("default_content_type=text/xxxx");
    expect(r.stderr.length).toBeLessThan(250);
  });
});

describe("L16: run() without a signal", () => {
  it("runs with a fresh one instead of throwing a TypeError", async () => {
    const out: Buffer[] = [];
    const stdout = new PassThrough().on("data", (c: Buffer) => out.push(c));
    const stdin = new PassThrough();
    stdin.end();
    const io: CliIO = { stdin, stdout, stderr: new PassThrough().resume(), env: ws.env, cwd: ws.work, stderrIsTTY: false, stdinIsTTY: false };
    const code = await (run as unknown as (argv: string[], io: CliIO) => Promise<number>)(["cat", "src/a.txt"], io);
    expect([code, Buffer.concat(out).toString()]).toEqual([0, "alpha"]);
  });
});
