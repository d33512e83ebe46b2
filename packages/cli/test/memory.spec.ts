/**
 * The memory driver lives inside one process, so these tests run the CLI in
 * process through its programmatic entry point, `main(argv)`, chaining
 * commands against named memory stores.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { lstat, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { bytes, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { abortWhenRecorded } from "./checkpoint-progress.js";
import { inProcess } from "./cli-run.js";
import { useMemoryVariant } from "./memory-variants.js";

const MiB = 1024 * 1024;
const ws = useWorkspace();
const run = inProcess(ws);

/** While set, the third part written to a `heldpart` store waits for it: an upload held at a known point. */
let partGate: Promise<void> | undefined;
let partsWritten = 0;
useMemoryVariant("heldpart", (driver) => {
  const writePart = driver.writePart!.bind(driver);
  driver.writePart = async (key, multipartId, index, body, options) => {
    if (partGate !== undefined && ++partsWritten === 3) await partGate;
    return writePart(key, multipartId, index, body, options);
  };
  return driver;
});

beforeAll(async () => {
  await writeTree(join(ws.work, "site"), { "index.html": "<p>home</p>", "a/b.txt": "bee", "a/c/d.bin": bytes(70_000, 5) });
});

describe("memory storage, in one process", () => {
  it("copies fs → memory → fs, lists and verifies by CRC64 on the way", async () => {
    const up = await run(["cp", "-r", "site/", "memory://m1/site/", "--stats-json", "--quiet"]);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ objects: { copied: 3 }, bytes: { sent: 11 + 3 + 70_000 } });
    const ls = await run(["ls", "-r", "memory://m1/site/"]);
    expect(ls.stdout.split("\n").filter(Boolean)).toEqual(["a/b.txt", "a/c/d.bin", "index.html"]);
    const stat = JSON.parse((await run(["stat", "--json", "memory://m1/site/a/b.txt"])).stdout) as { crc64?: string };
    expect(stat.crc64).toMatch(/^\d+$/);
    const verify = await run(["verify", "site", "memory://m1/site/"]);
    expect(verify.code).toBe(0);
    expect(verify.stderr).toContain("3 of 3 objects match (3 by crc64)");
    const down = await run(["sync", "memory://m1/site/", "back/", "--quiet"]);
    expect(down.code).toBe(0);
    expect(await readTree(join(ws.work, "back"))).toEqual(await readTree(join(ws.work, "site")));
    const again = await run(["sync", "site/", "memory://m1/site/", "--stats-json", "--quiet"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ objects: { copied: 0, skipped: 3 } });
  });

  it("copies server-side inside one named store, and moves", async () => {
    await run(["cp", "-r", "site", "memory://m2/a/", "--quiet"]);
    const cp = await run(["cp", "-r", "memory://m2/a/", "memory://m2/b/", "--stats-json", "--quiet"]);
    // memory lists no CRC-64 (as COS, OSS and QingStor), its stat does: one stat of each source gives
    // the CRC-64 the copy's must match, so every server-side copy is verified without --verify.
    expect(JSON.parse(cp.stdout)).toMatchObject({ objects: { copied: 3, verified: 3 }, bytes: { sent: 0, serverSide: 70_014 } });
    const verified = await run(["cp", "-r", "memory://m2/a/", "memory://m2/v/", "--verify", "--stats-json", "--quiet"]);
    expect(JSON.parse(verified.stdout)).toMatchObject({ objects: { copied: 3, verified: 3 }, bytes: { sent: 0, serverSide: 70_014 } });
    expect((await run(["mv", "memory://m2/b/index.html", "memory://m2/c/home.html"])).code).toBe(0);
    expect((await run(["cat", "memory://m2/c/home.html"])).stdout).toBe("<p>home</p>");
    expect((await run(["cat", "memory://m2/b/index.html"])).code).toBe(3);
    const du = JSON.parse((await run(["du", "--json", "memory://m2/"])).stdout) as { objects: number; bytes: number };
    expect(du).toEqual({ location: "memory://m2/", objects: 9, bytes: 3 * 70_014 });
  });

  it("put from stdin with content type and metadata, then cat a range and rm", async () => {
    const put = await run(["put", "-", "memory://m3/notes.txt", "--content-type", "text/plain", "--metadata", "owner=ops"], { stdin: "hello memory" });
    expect(put.code).toBe(0);
    const stat = JSON.parse((await run(["stat", "--json", "memory://m3/notes.txt"])).stdout) as Record<string, unknown>;
    expect(stat).toMatchObject({ size: 12, contentType: "text/plain", metadata: { owner: "ops" } });
    expect((await run(["cat", "--offset", "6", "memory://m3/notes.txt"])).stdout).toBe("memory");
    expect((await run(["rm", "memory://m3/notes.txt"])).code).toBe(0);
    expect((await run(["stat", "memory://m3/notes.txt"])).code).toBe(3);
  });

  it("an aborted large upload resumes: stored parts are verified by CRC64 and not sent again", async () => {
    await writeTree(join(ws.work, "big"), { "big.bin": bytes(6 * MiB + 3, 9) });
    const checkpoint = join(ws.work, "mem-resume.json");
    const controller = new AbortController();
    // "heldpart" is memory://m4 underneath; the first run's third part waits until after the abort.
    const args = ["cp", "big/big.bin", "heldpart://m4/big.bin", "--part-size", "1M", "--checkpoint", checkpoint];
    let release!: () => void;
    partGate = new Promise<void>((resolve) => (release = resolve));
    partsWritten = 0;
    const first = run([...args, "--part-concurrency", "1"], { signal: controller.signal });
    try {
      await abortWhenRecorded(first, controller, checkpoint, "big.bin", 2 * MiB);
    } finally {
      partGate = undefined;
      release();
    }
    expect((await first).code).toBe(130);
    expect(partsWritten).toBe(3);

    const second = await run([...args, "--stats-json", "--verify"]);
    expect(second.code).toBe(0);
    const stats = JSON.parse(second.stdout.trim().split("\n").pop()!) as { parts: { skipped: number; resumedUploads: number }; bytes: { sent: number; resumed: number } };
    expect(stats.parts.resumedUploads).toBe(1);
    expect(stats.parts.skipped).toBeGreaterThanOrEqual(2);
    expect(stats.bytes.resumed).toBe(stats.parts.skipped * MiB);
    expect(stats.bytes.sent).toBe(6 * MiB + 3 - stats.bytes.resumed);
    const verify = await run(["verify", "--full", "big", "memory://m4/"]);
    expect(verify.code).toBe(0);
  });

  it("uploads lists the multipart uploads in progress below a location, and --abort ends them", async () => {
    await run(["ls", "memory://up1/"]); // registers the memory scheme in this process
    const store = newStorager("memory://up1/");
    const a = await store.createMultipart("dir/a.bin");
    const c = await store.createMultipart("dir/b/c.bin");
    const other = await store.createMultipart("other.bin");
    const list = await run(["uploads", "memory://up1/dir/"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n").filter(Boolean).sort()).toEqual([`a.bin\t${a.multipartId}`, `b/c.bin\t${c.multipartId}`]);
    const json = (await run(["uploads", "--json", "memory://up1/dir/"])).stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { mode: string });
    expect(json.map((o) => o.mode)).toEqual(["part", "part"]);
    const dry = await run(["uploads", "--abort", "--dry-run", "memory://up1/dir/"]);
    expect(dry.stdout).toContain(`would abort a.bin\t${a.multipartId}`);
    expect((await run(["uploads", "--abort", "memory://up1/dir/"])).code).toBe(2); // no terminal, no --yes
    const young = await run(["uploads", "--abort", "--older-than", "1h", "--yes", "memory://up1/dir/"]);
    expect([young.code, young.stderr.trim()]).toEqual([0, "uploads: nothing to abort"]);
    expect((await run(["uploads", "--older-than", "soon", "memory://up1/dir/"])).code).toBe(2);
    const abort = await run(["uploads", "--abort", "--yes", "memory://up1/dir/"]);
    expect([abort.code, abort.stderr.trim()]).toEqual([0, "uploads: aborted 2 uploads"]);
    expect((await run(["uploads", "memory://up1/dir/"])).stdout).toBe("");
    expect((await run(["uploads", "memory://up1/"])).stdout.trim()).toBe(`other.bin\t${other.multipartId}`);
  });
  it("ln makes a link that cat reads through, ls -l and stat show, and refuses a target in another storage", async () => {
    await run(["put", "-", "memory://m6/releases/v2.txt"], { stdin: "version two" });
    const ln = await run(["ln", "memory://m6/releases/v2.txt", "memory://m6/latest.txt"]);
    expect(ln.code).toBe(0);
    expect(ln.stderr).toContain("-> /releases/v2.txt");
    expect((await run(["cat", "memory://m6/latest.txt"])).stdout).toBe("version two");
    const ls = await run(["ls", "-l", "memory://m6/"]);
    expect(ls.stdout).toMatch(/^link .* latest\.txt -> \/releases\/v2\.txt$/m);
    const stat = JSON.parse((await run(["stat", "--json", "memory://m6/latest.txt"])).stdout) as { mode: string; linkTarget: string };
    expect(stat).toMatchObject({ mode: "link", linkTarget: "/releases/v2.txt" });
    const elsewhere = await run(["ln", "memory://m7/x.txt", "memory://m6/y.txt"]);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain("must be in the same storage");
    expect(await newStorager("memory://m6").stat("y.txt").catch((e: { code: string }) => e.code)).toBe("ObjectNotExist");
  });

  it("cp of a link copies its target; cp -r and sync skip links and say so, -L follows them; mv refuses a link; rm -r removes links", async () => {
    await run(["put", "-", "memory://m8/t.txt"], { stdin: "target" });
    await run(["ln", "memory://m8/t.txt", "memory://m8/l.txt"]);
    await run(["ln", "memory://m8/nothing", "memory://m8/dangling"]);
    expect((await run(["cp", "memory://m8/l.txt", "memory://m9/copy.txt"])).code).toBe(0);
    const copy = await newStorager("memory://m9").stat("copy.txt");
    expect([copy.mode, copy.size]).toEqual(["file", 6]);
    expect((await newStorager("memory://m9").read("copy.txt")).toString()).toBe("target");
    const dangling = await run(["cp", "memory://m8/dangling", "memory://m9/d.txt"]);
    expect(dangling.code).not.toBe(0);
    expect(dangling.stderr).toContain("is a link to /nothing, which does not exist");
    const tree = await run(["cp", "-r", "memory://m8/", "memory://m10/", "--stats-json", "--quiet"]);
    expect(JSON.parse(tree.stdout)).toMatchObject({ objects: { copied: 1, skipped: 2 } });
    const followed = await run(["cp", "-r", "-L", "memory://m8/", "memory://m12/", "--stats-json", "--quiet"]);
    expect(JSON.parse(followed.stdout)).toMatchObject({ objects: { copied: 2, skipped: 1 } });
    const m12 = newStorager("memory://m12");
    expect([(await m12.stat("l.txt")).mode, (await m12.read("l.txt")).toString()]).toEqual(["file", "target"]);
    const sync = await run(["sync", "memory://m8/", "memory://m11/"]);
    expect(sync.stderr).toContain("skipped 2 symbolic links (not followed");
    // At the destination, an object replaces a link and --delete removes a link the source lacks.
    const m11 = newStorager("memory://m11");
    await m11.createLink("t.txt", "elsewhere");
    await m11.createLink("extra", "t.txt");
    const resync = await run(["sync", "--delete", "memory://m8/", "memory://m11/", "--stats-json", "--quiet"]);
    expect(JSON.parse(resync.stdout)).toMatchObject({ objects: { copied: 1, deleted: 1 } });
    expect([(await m11.stat("t.txt")).mode, (await m11.read("t.txt")).toString()]).toEqual(["file", "target"]);
    expect(await m11.stat("extra").catch((e: { code: string }) => e.code)).toBe("ObjectNotExist");
    const mv = await run(["mv", "memory://m8/l.txt", "memory://m8/l2.txt"]);
    expect(mv.code).not.toBe(0);
    expect(mv.stderr).toContain("is a symbolic link");
    expect((await newStorager("memory://m8").stat("l.txt")).mode).toBe("link");
    expect((await run(["ls", "-r", "memory://m8/"])).stdout.split("\n").filter(Boolean)).toEqual(["dangling", "l.txt", "t.txt"]);
    expect((await run(["rm", "-r", "--yes", "memory://m8/"])).code).toBe(0);
    expect((await run(["ls", "-r", "memory://m8/"])).stdout).toBe("");
  });
  it("local links into another directory: cat, cp and get read the target, cp over the link replaces the link, -L skips loops", async () => {
    await writeTree(join(ws.work, "lk"), { "releases/v2.txt": "v2", "src/a.txt": "a" });
    expect((await run(["ln", "lk/releases/v2.txt", "lk/links/latest.txt"])).code).toBe(0);
    expect((await run(["cat", "lk/links/latest.txt"])).stdout).toBe("v2");
    expect((await run(["cp", "lk/links/latest.txt", "lk/copy.txt"])).code).toBe(0);
    expect(await readFile(join(ws.work, "lk/copy.txt"), "utf8")).toBe("v2");
    expect((await run(["get", "lk/links/latest.txt", "lk/got.txt"])).code).toBe(0);
    expect(await readFile(join(ws.work, "lk/got.txt"), "utf8")).toBe("v2");
    await symlink("../releases/v2.txt", join(ws.work, "lk/src/l.txt"));
    await symlink("lp2", join(ws.work, "lk/src/lp1"));
    await symlink("lp1", join(ws.work, "lk/src/lp2"));
    await symlink("lp1/x", join(ws.work, "lk/src/through"));
    const tree = await run(["cp", "-r", "-L", "lk/src/", "lk/dst/", "--stats-json"]);
    expect(tree.code).toBe(0);
    expect(JSON.parse(tree.stdout)).toMatchObject({ objects: { copied: 2, skipped: 3 } });
    expect(tree.stderr).toContain("skipped 3 symbolic links (leading to nothing readable");
    expect(await readTree(join(ws.work, "lk/dst"))).toEqual({ "a.txt": "a", "l.txt": "v2" });
    // --checksum compares what the link leads to, read from where it is.
    await writeFile(join(ws.work, "lk/dst/l.txt"), "V2");
    const check = await run(["sync", "-L", "--checksum", "lk/src/", "lk/dst/", "--stats-json", "--quiet"]);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ objects: { copied: 1 } });
    expect(await readFile(join(ws.work, "lk/dst/l.txt"), "utf8")).toBe("v2");
    await writeFile(join(ws.work, "lk/new.txt"), "new");
    expect((await run(["cp", "lk/new.txt", "lk/links/latest.txt"])).code).toBe(0);
    expect((await lstat(join(ws.work, "lk/links/latest.txt"))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(ws.work, "lk/releases/v2.txt"), "utf8")).toBe("v2");
  });
});
