import { beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { binary, inProcess } from "./cli-run.js";

const ws = useWorkspace();
/** The built binary (exit codes through bin.ts). */
const cli = binary(ws);
/** The same command line in process, for variants. */
const inproc = inProcess(ws);

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "a.txt": "a" });
});

describe("bad input gives one clear line and a distinct exit code", () => {
  it("unknown scheme: ServiceNotRegistered (9), naming the schemes it opens and the package it looked for", async () => {
    const r = await cli(["ls", "nosuchsvc://bucket/dir/"]);
    expect(r.code).toBe(9);
    expect(oneLine(r.stderr)).toContain('ServiceNotRegistered: no driver for "nosuchsvc://"');
    expect(r.stderr).toContain("the CLI opens fs, memory, cos, oss and qingstor");
    expect(r.stderr).toContain("@stowage/nosuchsvc");
  });

  it("malformed connection strings and unknown pairs: ConnectionStringInvalid (8)", async () => {
    const noSlashes = await cli(["ls", "fs:/tmp"]);
    expect(noSlashes.code).toBe(8);
    expect(oneLine(noSlashes.stderr)).toContain('"fs:" must be followed by "//"');
    const badPair = await inproc(["cat", `fs://${ws.work}/src/a.txt?no_such_pair=1`]);
    expect(badPair.code).toBe(8);
    expect(oneLine(badPair.stderr)).toContain('unknown pair "no_such_pair"');
    const badEscape = await inproc(["ls", "memory://x/%zz"]);
    expect(badEscape.code).toBe(8);
    // A value the driver refuses as it opens (a bucket name) is the string's fault too, as a bad location is.
    for (const query of ["location=ap-guangzhou", "location=AP"]) {
      const r = await inproc(["ls", `cos://Test_Bad/?credential=hmac:AKID:SECRET&endpoint=http:127.0.0.1:9&${query}`]);
      expect([query, r.code]).toEqual([query, 8]);
      expect(oneLine(r.stderr)).toContain("ConnectionStringInvalid");
    }
  });

  it("an unknown profile: ConnectionStringInvalid (8) explaining where profiles come from", async () => {
    const r = await cli(["ls", "backups:2026/"]);
    expect(r.code).toBe(8);
    expect(oneLine(r.stderr)).toContain('unknown profile "backups"');
    expect(r.stderr).toContain("STOWAGE_PROFILE_BACKUPS");
  });

  it("a missing object: ObjectNotExist (3) from cat, stat, get and cp", async () => {
    const bin = await cli(["cat", "src/nope"]);
    expect(bin.code).toBe(3);
    expect(oneLine(bin.stderr)).toContain("ObjectNotExist");
    for (const args of [["stat", "src/nope"], ["get", "src/nope", "out"], ["cp", "src/nope", "x"]]) {
      const r = await inproc(args);
      expect([args[0], r.code]).toEqual([args[0], 3]);
      expect(oneLine(r.stderr)).toContain("ObjectNotExist");
    }
  });

  it("usage mistakes exit 2: unknown command, unknown flag, bad flag value, missing argument", async () => {
    expect((await cli(["frobnicate"])).code).toBe(2);
    expect((await inproc(["ls", "--no-such-flag", "src"])).code).toBe(2);
    const badSize = await cli(["sync", "src", "dst", "--part-size", "lots"]);
    expect(badSize.code).toBe(2);
    expect(badSize.stderr).toContain("is not a size");
    expect((await inproc(["cp", "src/a.txt"])).code).toBe(2);
  });

  it("usage errors start with stowage: and point to the command's own help; help of an unknown name says so (review-cli-ux L1, L2)", async () => {
    const flag = await inproc(["ls", "--no-such-flag", "src"]);
    expect(flag.stderr).toBe("stowage: unknown option '--no-such-flag'\n(run stowage ls --help for usage)\n");
    const operand = await inproc(["cp", "src/a.txt"]);
    expect(operand.stderr).toBe("stowage: missing required argument 'destination'\n(run stowage cp --help for usage)\n");
    const command = await inproc(["sycn", "a", "b"]);
    expect([command.code, command.stderr]).toEqual([2, "stowage: unknown command 'sycn'\n(Did you mean sync?)\n(run stowage --help for usage)\n"]);
    const topic = await inproc(["help", "nope"]);
    expect([topic.code, topic.stdout, topic.stderr]).toEqual([2, "", "stowage: unknown command 'nope'\n(run stowage --help for the commands)\n"]);
    const quiet = await inproc(["--quiet", "--progress", "none", "help", "nope"]);
    expect([quiet.code, quiet.stderr]).toEqual([2, "stowage: unknown command 'nope'\n(run stowage --help for the commands)\n"]);
    for (const argv of [["--config", "x", "help", "nope"], ["--progress=none", "help", "nope"]]) {
      expect((await inproc(argv)).stderr).toBe("stowage: unknown command 'nope'\n(run stowage --help for the commands)\n");
    }
    const helpHelp = await inproc(["help", "help"]);
    expect([helpHelp.code, helpHelp.stderr, helpHelp.stdout.split("\n")[0]]).toEqual([0, "", "Usage: stowage [options] [command]"]);
    expect((await inproc(["-V", "help", "nope"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const known = await inproc(["help", "ls"]);
    expect([known.code, known.stdout.split("\n")[0]]).toEqual([0, "Usage: stowage ls [options] <location>"]);
  });

  it("secrets in connection strings are never printed", async () => {
    const secret = "S3cr3tKeyV4lue";
    const r = await cli(["ls", `nosuchsvc://bucket/?credential=hmac:AKIDEXAMPLE:${secret}`]);
    expect(r.code).toBe(9);
    const bad = await cli(["--debug", "ls", `fs://${ws.work}/src?credential=hmac:AKIDEXAMPLE:${secret}&bogus=1`]);
    expect(bad.code).toBe(8);
    const typo = await inproc(["ls", `fs:${ws.work}?credential=hmac:AKIDEXAMPLE:${secret}`]);
    expect(typo.code).toBe(8);
    for (const out of [r, bad, typo]) expect(out.stdout + out.stderr).not.toContain(secret);
  });

  it("--debug adds the stack trace", async () => {
    const r = await cli(["--debug", "cat", "src/nope"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^\s+at /m);
  });

  it("--help and --version exit 0", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect((await inproc(["sync", "--help"])).stdout).toContain("--large-threshold <size>");
    expect((await inproc(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("exitCodeOf a StorageError whose code core does not define (a third-party driver's)", () => {
  it("is a failure (1), never an inherited member or a non-error name such as ok", async () => {
    const { exitCodeOf, EXIT_CODES } = await import("../src/errors.js");
    const { StorageError } = await import("@stowage/core");
    for (const code of ["ok", "usage", "constructor", "toString", "__proto__", "NoSuchThing"]) {
      expect(exitCodeOf(new StorageError({ code: code as never, message: "m" }))).toBe(EXIT_CODES.failure);
    }
    expect(exitCodeOf(new StorageError({ code: "ObjectNotExist" as never, message: "m" }))).toBe(EXIT_CODES.ObjectNotExist);
  });
});
