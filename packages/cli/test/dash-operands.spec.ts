/**
 * `-` given to cp or mv (review-cli M1): `get` and `put` take it as stdout and stdin, so cp and mv
 * refuse it (exit 2, naming `get <source> -` or `put - <destination>`) rather than take it for a
 * local file named `-`: nothing is read, written or deleted. A file named `-` is `./-`.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { registerBundledDrivers } from "../src/drivers.js";
import { exists, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);
let dir: string;

beforeAll(async () => {
  registerBundledDrivers();
  dir = join(ws.work, "dash");
  await writeTree(dir, { "a.txt": "the object", "tree/x.txt": "x" });
});

/** A run in the test's directory. */
const inDir = (argv: string[], stdin?: string): ReturnType<typeof cli> => cli(argv, { cwd: dir, ...(stdin === undefined ? {} : { stdin }) });

describe("cp and mv refuse - (stdin and stdout are for put and get)", () => {
  it("cp - <dst> is a usage error naming put -, and reads nothing", async () => {
    const r = await inDir(["cp", "-", "memory://dash1/d.txt"], "from stdin");
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("stowage put - <destination>");
    expect(r.stderr).toContain("./-");
    expect(r.stderr).not.toContain("ObjectNotExist");
    await expect(newStorager("memory://dash1/").stat("d.txt")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("cp <obj> - is a usage error naming get <source> -, and writes no file named -", async () => {
    const r = await inDir(["cp", "a.txt", "-"]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain("stowage get <source> -");
    expect(r.stderr).toContain("nothing was copied");
    expect(await exists(join(dir, "-"))).toBe(false);
  });

  it("mv <obj> - keeps the source and writes nothing", async () => {
    const store = newStorager("memory://dash2/");
    await store.write("m.txt", Buffer.from("kept"));
    for (const argv of [["mv", "memory://dash2/m.txt", "-"], ["mv", "a.txt", "-"], ["mv", "-", "memory://dash2/n.txt"]]) {
      const r = await inDir(argv, "stdin");
      expect([argv, r.code, r.stdout]).toEqual([argv, 2, ""]);
      expect(r.stderr).toContain("nothing was moved");
    }
    expect((await store.read("m.txt")).toString()).toBe("kept");
    expect(await readFile(join(dir, "a.txt"), "utf8")).toBe("the object");
    await expect(store.stat("n.txt")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect(await readdir(dir)).not.toContain("-");
  });

  it("with -r too: cp -r <dir>/ - and mv -r - <dst>/ are refused before anything is listed", async () => {
    const cp = await inDir(["cp", "-r", "tree/", "-"]);
    const mv = await inDir(["mv", "-r", "-", "memory://dash3/t/"]);
    expect([cp.code, mv.code]).toEqual([2, 2]);
    expect(await readdir(dir)).not.toContain("-");
    expect(await readFile(join(dir, "tree/x.txt"), "utf8")).toBe("x");
  });

  it("a local file named - stays reachable as ./-", async () => {
    const to = await inDir(["cp", "a.txt", "./-"]);
    expect(to.code).toBe(0);
    expect(await readFile(join(dir, "-"), "utf8")).toBe("the object");
    const from = await inDir(["cp", "./-", "memory://dash4/copy.txt"]);
    expect(from.code).toBe(0);
    expect((await newStorager("memory://dash4/").read("copy.txt")).toString()).toBe("the object");
    const moved = await inDir(["mv", "./-", "moved.txt"]);
    expect(moved.code).toBe(0);
    expect([await exists(join(dir, "-")), await readFile(join(dir, "moved.txt"), "utf8")]).toEqual([false, "the object"]);
  });

  it("get and put still take - as stdout and stdin", async () => {
    await mkdir(join(dir, "io"), { recursive: true });
    await writeFile(join(dir, "io/src.txt"), "bytes");
    const get = await inDir(["get", "io/src.txt", "-"]);
    expect([get.code, get.stdout]).toEqual([0, "bytes"]);
    const put = await inDir(["put", "-", "memory://dash5/p.txt"], "piped");
    expect(put.code).toBe(0);
    expect((await newStorager("memory://dash5/").read("p.txt")).toString()).toBe("piped");
  });
});
