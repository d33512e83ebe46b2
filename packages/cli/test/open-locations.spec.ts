/**
 * How the CLI opens locations, in process: it must refuse what the library refuses
 * (`fs://tmp` is a typo of `fs:///tmp`, never the root `/`), agree with it on duplicate
 * pairs, and never print a piece of a secret.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { EXIT_CODES } from "../src/index.js";
import { writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

beforeAll(async () => {
  await writeTree(join(ws.work, "src"), { "a.txt": "alpha" });
  expect((await run(["cp", "-r", "--quiet", "src/", "memory://ol-src/"])).code).toBe(0);
});

describe("fs:// without a directory", () => {
  it.each([
    ["ls", ["ls", "fs://tmp"]],
    ["stat", ["stat", "fs://tmp"]],
    ["cp -r -n", ["cp", "-r", "-n", "memory://ol-src/", "fs://backup"]],
    ["sync -n --delete", ["sync", "-n", "--delete", "memory://ol-src/", "fs://backup"]],
    ["rm -r -y", ["rm", "-r", "-y", "fs://backup"]],
    ["a work_dir= pair that is empty", ["ls", "fs://?work_dir="]],
  ])("%s is refused with PairRequired and a fs:/// hint, nothing listed or planned", async (_label, argv) => {
    const r = await run(argv);
    expect(r.code).toBe(EXIT_CODES.PairRequired);
    expect(r.stderr).toContain("fs:///");
    expect(r.stdout).toBe("");
  });

  it.each([
    ["ls", ["ls", "fs://?work_dir=data"]],
    ["cp -r", ["cp", "-r", "memory://ol-src/", "fs://?work_dir=out"]],
    ["a profile", ["ls", "rel:"]],
  ])("a relative work_dir pair (%s) is refused as the library refuses it, never put under /", async (_label, argv) => {
    const r = await run(argv, { env: { ...ws.env, STOWAGE_PROFILE_REL: "fs://?work_dir=data" } });
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).toContain("must be absolute");
    expect(r.stdout).toBe("");
  });

  it("a connection string with a space before it is refused, not taken for a local directory", async () => {
    const r = await run(["cp", "-r", "memory://ol-src/", " fs:///tmp/ol-x/"]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).toContain("space");
  });

  it("names the directory the user probably meant", async () => {
    expect((await run(["ls", "fs://tmp"])).stderr).toContain("fs:///tmp");
  });

  it("a profile without a work_dir is refused too", async () => {
    const r = await run(["ls", "bk:"], { env: { ...ws.env, STOWAGE_PROFILE_BK: "fs://backup" } });
    expect(r.code).toBe(EXIT_CODES.PairRequired);
  });

  it("a profile without a work_dir takes the directory from the path after it", async () => {
    const r = await run(["ls", `root:${ws.work}/src/`], { env: { ...ws.env, STOWAGE_PROFILE_ROOT: "fs://" } });
    expect([r.code, r.stdout.trim()]).toEqual([0, "a.txt"]);
  });

  it("fs://<dir>/<sub> is refused as the library refuses it, with the three-slash hint", async () => {
    const r = await run(["ls", "fs://tmp/data/"]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).toContain("fs:///tmp/data");
  });

  it("fs:/// with a directory still works", async () => {
    const r = await run(["ls", `fs://${ws.work}/src/`]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("a.txt");
  });
});

describe("the CLI and the library agree", () => {
  it("on ?name=&name=x: a pair given twice with different values is refused, naming the pair", async () => {
    expect((await run(["put", "-", "memory://ol-shared13/hello.txt"], { stdin: "hi" })).code).toBe(0);
    const r = await run(["ls", "memory://?name=&name=ol-shared13"]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).toContain('"name" is given twice');
    expect(r.stdout).toBe("");
    expect((await run(["ls", "memory://ol-shared13/"])).stdout.trim()).toBe("hello.txt");
  });

  it("on a typed pair given twice: one value in two spellings is taken, two values refused, a key that is no pair is unknown", async () => {
    expect((await run(["put", "-", "memory://ol-twice/hello.txt"], { stdin: "hi" })).code).toBe(0);
    const same = await run(["ls", "memory://ol-twice/?concurrency=1&concurrency=01"]);
    expect(same.stderr).toBe("");
    expect(same.stdout.trim()).toBe("hello.txt");
    const different = await run(["ls", "memory://ol-twice/?concurrency=1&concurrency=2"]);
    expect(different.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(different.stderr).toContain('"concurrency" is given twice');
    const unknown = await run(["ls", "memory://ol-twice/?max_retries=1&max_retries=01"]);
    expect(unknown.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(unknown.stderr).toContain('unknown pair "max_retries"');
  });

  it("on a newline at the end of a location (from a file or an env var)", async () => {
    const r = await run(["ls", `fs://${ws.work}/src\n`]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
  });
});

describe("secrets in messages", () => {
  it.each([",", "'", '"', "}"])("a credential with %s is hidden whole", async (c) => {
    const r = await run(["cat", `memory://s/?credential=hmac:AKID:p4ss${c}W0RDSECRET`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toContain("W0RDSECRET");
    expect(r.stderr).not.toContain("p4ss");
  });

  it("the tail of a secret cut at an unencoded & is not named as an unknown pair", async () => {
    const r = await run(["ls", "memory://s/?credential=hmac:AKID:Abc&Tail9SECRET"]);
    expect(r.code).toBe(EXIT_CODES.ConnectionStringInvalid);
    expect(r.stderr).not.toContain("Tail9SECRET");
    expect(r.stderr).toContain("%26");
  });
});
