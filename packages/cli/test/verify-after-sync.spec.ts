/**
 * review-sync LOW-1: `verify` after `sync` (which skips symbolic links unless -L) does not fail on
 * the links sync skipped: a link of the source that the destination lacks is no difference by
 * default (counted in the summary, which names `--links`), `--links` counts it as missing, and a
 * link the destination holds (a file, after `sync -L`) is still compared. And (the review's related
 * LOW) an object `verify` cannot read is reported and the others are still compared: the summary is
 * printed and the exit code is that error's. A "sealed" memory storage refuses every read of `bad.bin`.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, newStorager, storageError } from "@stowage/core";
import { EXIT_CODES } from "../src/errors.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess } from "./cli-run.js";
import { writeTree } from "./helpers.js";

const ws = useWorkspace();
const run = inProcess(ws);

useMemoryVariant("sealed", (driver) => {
  const read = driver.read.bind(driver);
  driver.read = (key, range, options) => (key.endsWith("bad.bin") ? Promise.reject(storageError(ErrorCode.PermissionDenied, "Access Denied.", { statusCode: 403 })) : read(key, range, options));
  return driver;
});

beforeAll(async () => {
  await writeTree(join(ws.work, "site"), { "a.txt": "alpha", "sub/b.txt": "beta" });
  await symlink("a.txt", join(ws.work, "site", "latest.txt"));
  await symlink("nowhere.txt", join(ws.work, "site", "dangling"));
});

describe("verify after sync", () => {
  it("is clean after a sync that skipped the links; the summary names them and --links", async () => {
    expect((await run(["sync", "site/", "copy/"])).code).toBe(0);
    const r = await run(["verify", "site/", "copy/"]);
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toBe(
      "verify: 2 of 2 objects match (2 by reread), 2 symbolic links of the source not at the destination " +
        "(sync and cp -r skip links unless -L; --links counts them as missing)\n",
    );
  });

  it("--links counts a link the destination lacks as missing", async () => {
    const r = await run(["verify", "--links", "site/", "copy/"]);
    expect(r.code).toBe(EXIT_CODES.IntegrityMismatch);
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual(["missing   dangling (a symbolic link)", "missing   latest.txt (a symbolic link)"]);
    expect(r.stderr).toBe("verify: 2 of 4 objects match (2 by reread), 2 missing or different\n");
  });

  it("compares links by their target inside each directory: a copy of a tree whose links lead into itself verifies", async () => {
    for (const side of ["lk-a", "lk-b"]) {
      await writeTree(join(ws.work, side), { "t.txt": "t", "sub/u.txt": "u" });
      await symlink("t.txt", join(ws.work, side, "l"));
      await symlink("../t.txt", join(ws.work, side, "sub", "up"));
    }
    // Each leads out of its own directory, to the same file: that is the same link too.
    await symlink(join(ws.work, "site", "a.txt"), join(ws.work, "lk-a", "out"));
    await symlink(join(ws.work, "site", "a.txt"), join(ws.work, "lk-b", "out"));
    const same = await run(["verify", "-v", "lk-a/", "lk-b/"]);
    expect([same.code, same.stdout.split("\n").filter((l) => l.includes("(link)")).sort()]).toEqual([0, ["ok        l (link)", "ok        out (link)", "ok        sub/up (link)"]]);
    // One leading into its directory, the other out of it to the same file: not the same link.
    await symlink(join(ws.work, "lk-b", "t.txt"), join(ws.work, "lk-a", "cross"));
    await symlink("t.txt", join(ws.work, "lk-b", "cross"));
    const differ = await run(["verify", "lk-a/", "lk-b/"]);
    expect(differ.code).toBe(EXIT_CODES.IntegrityMismatch);
    expect(differ.stdout).toContain(`mismatch  cross: links differ: -> ${join(ws.work, "lk-b", "t.txt")}, -> t.txt in its directory (`);
  });

  it("knows a directory by its real path too, and a link to the directory itself", async () => {
    for (const side of ["sl-a", "sl-b"]) {
      await writeTree(join(ws.work, side), { "t.txt": "t" });
      await symlink(join(ws.work, side, "t.txt"), join(ws.work, side, "abs"));
      await symlink(join(ws.work, side), join(ws.work, side, "self"));
    }
    await symlink(join(ws.work, "sl-a"), join(ws.work, "sl-a-alias"));
    const r = await run(["verify", "-v", "sl-a-alias/", "sl-b/"]);
    expect([r.code, r.stdout.split("\n").filter((l) => l.includes("(link)")).sort()]).toEqual([0, ["ok        abs (link)", "ok        self (link)"]]);
  });

  it("compares what a link leads to with the file sync -L made of it; --no-links skips links on both sides", async () => {
    expect((await run(["sync", "-L", "site/", "copy-l/"])).code).toBe(0);
    const r = await run(["verify", "-v", "site/", "copy-l/"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ok        latest.txt (reread)");
    expect(r.stdout).toContain("skipped   dangling (a symbolic link, not at the destination)");
    expect((await run(["verify", "--no-links", "site/", "copy/"])).stderr).toBe("verify: 2 of 2 objects match (2 by reread) (symbolic links skipped)\n");
  });
});

describe("verify, when one object cannot be read", () => {
  it("names it, compares the others, prints its summary and exits with that error's code", async () => {
    const src = newStorager("memory://vr-src/");
    const dst = newStorager("memory://vr-dst/");
    for (const [k, v] of Object.entries({ "a.txt": "a", "bad.bin": "b", "c.txt": "c", "d.txt": "d" })) {
      await src.write(k, v);
      await dst.write(k, k === "c.txt" ? "C" : v);
    }
    const r = await run(["verify", "--full", "sealed://vr-src/", "memory://vr-dst/"]);
    expect(r.code).toBe(EXIT_CODES.PermissionDenied);
    expect(r.stdout).toMatch(/^mismatch  c\.txt: crc64 differs: expected \d+, found \d+\n$/);
    expect(r.stderr).toMatch(/^stowage: verify bad\.bin: not compared: PermissionDenied: Access Denied\. \(op=read, service=memory, path="bad\.bin", status=403\)$/m);
    expect(r.stderr).toMatch(/^verify: 2 of 4 objects match \(2 by reread\), 1 missing or different, 1 not compared \(see the messages above\)$/m);
  });
});
