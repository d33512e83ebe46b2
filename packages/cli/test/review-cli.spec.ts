/**
 * Regression tests for the review of the CLI outside sync (.work/review-cli.md): mkdir of a root
 * (L2), uploads of `x/` where `x` is an object (L3), rm -r of a directory with an unfinished upload
 * in it (L5) and cp -r / mv -r of a directory onto a file (L6).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager, type ObjectInfo, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { registerBundledDrivers } from "../src/drivers.js";
import { exists, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);

/** A COS emulator with the bucket {@link BUCKET}, for the whole file. */
let emulator: Emulator;
const BUCKET = "review-cli-1250000000";
/** A connection string to `path` (a directory when it ends in `/`) in the emulator's bucket. */
const cos = (path: string): string => emulator.connectionString(BUCKET).replace(`${BUCKET}/`, `${BUCKET}/${path}`);

beforeAll(async () => {
  registerBundledDrivers();
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], host: "127.0.0.1" });
});
afterAll(async () => {
  await emulator.stop();
});

/** The uploads in progress `store` lists. */
async function uploadsOf(store: Storager): Promise<ObjectInfo[]> {
  const found: ObjectInfo[] = [];
  for await (const o of store.list("", { mode: "part" })) found.push(o);
  return found;
}

describe("mkdir of a root (L2)", () => {
  it("succeeds as existing already: a store's, the file system's and a bucket's root", async () => {
    for (const root of ["memory://mkroot/", "fs:///", "/", emulator.connectionString(BUCKET)]) {
      const r = await cli(["mkdir", root]);
      expect([root, r.code, r.stderr]).toEqual([root, 0, expect.stringContaining("(the root, which exists already)")]);
    }
  });

  it("a bucket that does not exist is ObjectNotExist (exit 3): mkdir makes no buckets", async () => {
    const missing = emulator.connectionString(BUCKET).replace(BUCKET, "nobkt-1250000000");
    const r = await cli(["mkdir", missing]);
    expect([r.code, r.stderr]).toEqual([3, expect.stringContaining("does not exist (no such bucket or store): mkdir makes directories, not buckets")]);
    expect(r.stderr).toContain("nobkt-1250000000");
  });
});

describe("uploads of x/ where x is an object (L3)", () => {
  it("answers as ls x/ does: ObjectModeInvalid (exit 10), the object left alone", async () => {
    await newStorager("memory://up3/").write("p/stdin.txt", Buffer.from("1"));
    await writeTree(join(ws.work, "up3"), { "obj.txt": "1" });
    expect((await cli(["put", "-", cos("p/stdin.txt")], "1")).code).toBe(0);
    for (const loc of ["memory://up3/p/stdin.txt/", "up3/obj.txt/", cos("p/stdin.txt/")]) {
      const ls = await cli(["ls", loc]);
      const uploads = await cli(["uploads", loc]);
      expect([loc, uploads.code, ls.code]).toEqual([loc, 10, 10]);
      expect(uploads.stderr).toContain("ends in / (a directory), but");
      expect(uploads.stderr).toContain("is an object, not a directory");
    }
    // Without the slash it is still refused as a usage error (exit 2), and a missing x/ is exit 3.
    expect((await cli(["uploads", "up3/obj.txt"])).code).toBe(2);
    expect((await cli(["uploads", "up3/none/"])).code).toBe(3);
  });
});

describe("rm -r of a directory with an unfinished upload (L5)", () => {
  it("on fs: deletes the objects, leaves the upload (never aborted) and says so, naming uploads --abort", async () => {
    const dir = join(ws.work, "f1");
    await writeTree(dir, { "a.txt": "a", "sub/b.txt": "bb" });
    const store = newStorager(`fs://${dir}/sub/`);
    const upload = await store.createMultipart("big.bin");
    await store.writeMultipart(upload, Buffer.alloc(1024, 1), { index: 0 });
    const dry = await cli(["rm", "-r", "--dry-run", "f1/"]);
    expect([dry.code, dry.stderr]).toEqual([0, expect.stringContaining("stowage: rm: 1 unfinished multipart upload below f1/ is not deleted by rm -r")]);
    const rm = await cli(["rm", "-r", "--yes", "f1/"]);
    expect(rm.code).toBe(0);
    expect(rm.stderr).toContain("rm: deleted 2 objects (3 B)");
    expect(rm.stderr).toContain(
      "stowage: rm: 1 unfinished multipart upload below f1/ is not deleted by rm -r (its parts stay, and so does the directory holding them): " +
        "stowage uploads f1/ lists it, stowage uploads --abort f1/ ends it",
    );
    expect((await uploadsOf(store)).map((u) => u.multipartId)).toEqual([upload.multipartId]);
    expect([await exists(join(dir, "a.txt")), await exists(join(dir, "sub/b.txt"))]).toEqual([false, false]);
    // The note's command ends it, and the directory then goes with the next rm -r.
    expect((await cli(["uploads", "--abort", "--yes", "f1/"])).code).toBe(0);
    expect(await uploadsOf(store)).toEqual([]);
  });

  it("on an object store too; and nothing is said when there is no upload", async () => {
    const store = newStorager("memory://rm5/");
    await store.write("d/a.txt", Buffer.from("a"));
    const upload = await store.createMultipart("d/big.bin");
    const rm = await cli(["rm", "-r", "--yes", "memory://rm5/d/"]);
    expect([rm.code, rm.stderr]).toEqual([0, expect.stringContaining("1 unfinished multipart upload below memory://rm5/d/ is not deleted by rm -r (its parts stay)")]);
    expect((await uploadsOf(store)).map((u) => u.multipartId)).toEqual([upload.multipartId]);
    await store.write("e/a.txt", Buffer.from("a"));
    const quiet = await cli(["rm", "-r", "--yes", "memory://rm5/e/"]);
    expect([quiet.code, quiet.stderr]).toEqual([0, "rm: deleted 1 object (1 B)\n"]);
  });

  it("names a location typed with its credential as given: the suggested commands show *** for the secret", async () => {
    expect((await cli(["put", "-", cos("rm6/a.txt")], "a")).code).toBe(0);
    const store = newStorager(emulator.connectionString(BUCKET));
    const upload = await store.createMultipart("rm6/big.bin");
    try {
      const rm = await cli(["rm", "-r", "--yes", cos("rm6/")]);
      expect(rm.code).toBe(0);
      expect(rm.stderr).toContain("(the location as you gave it: its secrets are not shown here)");
      expect(rm.stderr).not.toContain(emulator.credential.secretKey);
    } finally {
      await store.delete("rm6/big.bin", { multipartId: upload.multipartId! });
    }
  });
});

describe("cp -r / mv -r of a directory onto a file (L6)", () => {
  it("is refused once, before anything is copied, as cp(1) refuses (exit 10)", async () => {
    const dir = join(ws.work, "l6");
    await writeTree(dir, { "src/a.txt": "1", "src/b.txt": "2", "src/c/d.txt": "3", "dst/file.txt": "keep" });
    for (const command of ["cp", "mv"]) {
      const r = await cli([command, "-r", "l6/src/", "l6/dst/file.txt"]);
      expect([command, r.code, r.stdout]).toEqual([command, 10, ""]);
      const lines = r.stderr.split("\n").filter(Boolean);
      expect(lines).toEqual([
        `stowage: ObjectModeInvalid: ${command} -r: the destination l6/dst/file.txt is a file, not a directory: a directory is not ${command === "mv" ? "moved" : "copied"} over a file ` +
          `(cp(1): cannot overwrite non-directory with directory); name a directory, or remove the file first; nothing was ${command === "mv" ? "moved" : "copied"} (op=${command}, service=fs, path="file.txt")`,
      ]);
    }
    expect(await readFile(join(dir, "dst/file.txt"), "utf8")).toBe("keep");
    expect((await readdir(join(dir, "src"))).sort()).toEqual(["a.txt", "b.txt", "c"]);
    // With a trailing slash, and on memory (real directories) too.
    await newStorager("memory://l6/").write("f", Buffer.from("x"));
    expect((await cli(["cp", "-r", "l6/src/", "l6/dst/file.txt/"])).code).toBe(10);
    expect((await cli(["cp", "-r", "l6/src/", "memory://l6/f"])).code).toBe(10);
    // On an object store the key f and the keys f/… are independent: nothing is in the way.
    expect((await cli(["put", "-", cos("l6/f")], "x")).code).toBe(0);
    expect((await cli(["cp", "-r", "l6/src/", cos("l6/f")])).code).toBe(0);
    expect((await cli(["cat", cos("l6/f/c/d.txt")])).stdout).toBe("3");
  });

  it("leaves the other cases as they were: a file source (exit 2), a new or existing directory", async () => {
    await writeTree(join(ws.work, "l6b"), { "src/a.txt": "1", "dst/old.txt": "0" });
    const store = newStorager("memory://l6b/");
    await store.write("one.txt", Buffer.from("1"));
    await store.write("two.txt", Buffer.from("2"));
    const fileSource = await cli(["cp", "-r", "memory://l6b/one.txt", "memory://l6b/two.txt"]);
    expect([fileSource.code, fileSource.stderr]).toEqual([2, expect.stringContaining("cp it without -r")]);
    expect((await cli(["cp", "-r", "l6b/src/", "l6b/dst/"])).code).toBe(0);
    expect((await cli(["cp", "-r", "l6b/src/", "l6b/new/"])).code).toBe(0);
    expect(await readFile(join(ws.work, "l6b/new/a.txt"), "utf8")).toBe("1");
    await mkdir(join(ws.work, "l6b/empty"));
    expect((await cli(["cp", "-r", "l6b/src", "l6b/empty"])).code).toBe(0);
  });
});
