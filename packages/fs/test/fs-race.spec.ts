import { lstat, mkdir, readFile, readlink, rename, rmdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { fdPathsWork } from "../src/pinned-dir.js";
import { buf, drain, expectCode, tree } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

/**
 * A symlink swapped in after the confinement check and before the access.
 * The first check (a real-path walk) is switched off, which is what a swap
 * right after it looks like: only the checks made on what was really opened,
 * and on the pinned directory an entry is made or removed in, stand between
 * the driver and the outside. They need /proc (Linux), so this runs there.
 */
const onLinux = process.platform === "linux" ? describe : describe.skip;

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
  await writeFile(join(s.outside, "secret.txt"), "outside data");
  // The race, lost: every path passes the first check.
  s.driver.paths.confined = async () => true;
  await symlink(s.outside, join(s.root, "escape"));
  await symlink(join(s.outside, "secret.txt"), join(s.root, "secret-link"));
});
afterEach(async () => {
  await s.cleanup();
});

/** The outside directory is exactly as the test made it. */
async function expectOutsideUntouched(): Promise<void> {
  expect(await tree(s.outside)).toEqual(["secret.txt"]);
  expect(await readFile(join(s.outside, "secret.txt"), "utf8")).toBe("outside data");
}

onLinux("fs driver: a symlink swapped in after the check", () => {
  it("the platform has /proc paths to pin directories with", async () => {
    expect(fdPathsWork()).toBe(true);
  });

  it("reads nothing from outside", async () => {
    await expectCode(s.driver.read(s.key("escape/secret.txt"), {}, {}), "InvalidArgument");
    await expectCode(s.driver.read(s.key("secret-link"), {}, {}), "InvalidArgument");
    await expectCode(s.driver.copy(s.key("secret-link"), s.key("copy"), {}), "InvalidArgument");
    await expectCode(s.driver.listPage({ prefix: s.key("escape/"), delimiter: "/", limit: 10 }, {}), "InvalidArgument");
    await expectCode(s.driver.listPage({ prefix: s.key("escape/"), limit: 10 }, {}), "InvalidArgument");
    await expect(lstat(join(s.root, "copy"))).rejects.toMatchObject({ code: "ENOENT" });
    await expectOutsideUntouched();
  });

  it("reports no metadata of what lies behind a directory link", async () => {
    await expectCode(s.driver.stat(s.key("escape/secret.txt"), {}), "InvalidArgument");
    await s.driver.write(s.key("dir/a.txt"), buf("a"), {});
    await rename(join(s.root, "dir"), join(s.root, "dir-old"));
    await symlink(s.outside, join(s.root, "dir"));
    await expectCode(s.driver.stat(s.key("dir/secret.txt"), {}), "InvalidArgument");
    // Listed entries are looked up in the directory that was listed, not wherever its path leads now.
    const page = await s.driver.listPage({ prefix: s.key("dir-old/"), delimiter: "/", limit: 10 }, {});
    expect(page.items.map((o) => [o.key, o.size])).toEqual([[s.key("dir-old/a.txt"), 1]]);
  });

  it("creates, writes and appends nothing outside", async () => {
    await expectCode(s.driver.write(s.key("escape/new.txt"), buf("x"), {}), "InvalidArgument");
    await expectCode(s.driver.write(s.key("escape/deep/er/new.txt"), buf("x"), {}), "InvalidArgument");
    await expectCode(s.driver.createDir(s.key("escape/dir/"), {}), "InvalidArgument");
    await expectCode(s.driver.createAppend(s.key("escape/a"), {}), "InvalidArgument");
    await expectCode(s.driver.writeAppend(s.key("secret-link"), 12, buf("more"), {}), "InvalidArgument");
    await expectCode(s.driver.fetch(s.key("escape/fetched"), "http://127.0.0.1:9/never", {}), "InvalidArgument");
    await expectOutsideUntouched();
  });

  it("writing over an outward link replaces the link inside, never the file it points at", async () => {
    await s.driver.write(s.key("secret-link"), buf("inside now"), {});
    expect((await lstat(join(s.root, "secret-link"))).isFile()).toBe(true);
    expect((await drain((await s.driver.read(s.key("secret-link"), {}, {})).stream)).toString()).toBe("inside now");
    await expectOutsideUntouched();
  });

  it("deletes and moves nothing outside", async () => {
    await expectCode(s.driver.delete(s.key("escape/secret.txt"), {}), "InvalidArgument");
    await mkdir(join(s.outside, "sub"));
    await expectCode(s.driver.deleteDir(s.key("escape/sub/"), {}), "InvalidArgument");
    expect((await lstat(join(s.outside, "sub"))).isDirectory()).toBe(true);
    await rmdir(join(s.outside, "sub"));
    // The link itself is not a directory of the store: refused, and it stays.
    await expectCode(s.driver.deleteDir(s.key("escape/"), {}), "ObjectModeInvalid");
    expect(await readlink(join(s.root, "escape"))).toBe(s.outside);
    await expectCode(s.driver.move(s.key("escape/secret.txt"), s.key("stolen.txt"), {}), "InvalidArgument");
    await s.driver.write(s.key("mine.txt"), buf("mine"), {});
    await expectCode(s.driver.move(s.key("mine.txt"), s.key("escape/planted.txt"), {}), "InvalidArgument");
    expect(await readFile(join(s.root, "mine.txt"), "utf8")).toBe("mine");
    // Deleting the link removes the link (inside), not its target.
    await s.driver.delete(s.key("secret-link"), {});
    await expect(lstat(join(s.root, "secret-link"))).rejects.toMatchObject({ code: "ENOENT" });
    await expectOutsideUntouched();
  });

  it("a directory swapped for an outward link between the check and the write stays outside the write", async () => {
    await s.driver.write(s.key("dir/a.txt"), buf("a"), {});
    // What an attacker does between our check and our use: the directory becomes a link out.
    await rename(join(s.root, "dir"), join(s.root, "dir-old"));
    await symlink(s.outside, join(s.root, "dir"));
    await expectCode(s.driver.write(s.key("dir/b.txt"), buf("b"), {}), "InvalidArgument");
    await expectCode(s.driver.delete(s.key("dir/secret.txt"), {}), "InvalidArgument");
    await expectCode(s.driver.read(s.key("dir/secret.txt"), {}, {}), "InvalidArgument");
    expect(await readlink(join(s.root, "dir"))).toBe(s.outside);
    await expectOutsideUntouched();
  });

  it("links: made nowhere outside, stat'ed and listed without following, never read through to outside", async () => {
    await expectCode(s.driver.createLink!(s.key("escape/l"), s.key("t"), {}), "InvalidArgument");
    await expectCode(s.driver.createLink!(s.key("escape/deep/l"), s.key("t"), {}), "InvalidArgument");
    await s.driver.write(s.key("dir/a.txt"), buf("a"), {});
    await rename(join(s.root, "dir"), join(s.root, "dir-old"));
    await symlink(s.outside, join(s.root, "dir"));
    await expectCode(s.driver.createLink!(s.key("dir/l"), s.key("t"), {}), "InvalidArgument");
    await expectCode(s.driver.createLink!(s.key("dir/secret.txt"), s.key("t"), {}), "InvalidArgument");
    await expectCode(s.driver.stat(s.key("dir/secret.txt"), {}), "InvalidArgument");
    // A target whose path led outside only after the check: the link is made inside, and leads nowhere readable.
    await s.driver.createLink!(s.key("l"), s.key("escape/secret.txt"), {});
    await expectCode(s.driver.read(s.key("l"), {}, {}), "InvalidArgument");
    await expectCode(s.driver.copy(s.key("l"), s.key("copy"), {}), "InvalidArgument");
    expect(await s.driver.stat(s.key("l"), {})).toMatchObject({ mode: "link", linkTarget: join(s.root, "escape/secret.txt") });
    const secret = await s.driver.stat(s.key("secret-link"), {});
    expect([secret.mode, secret.linkTarget, secret.size]).toEqual(["link", join(s.outside, "secret.txt"), undefined]);
    const page = await s.driver.listPage({ prefix: s.key(""), limit: 10 }, {});
    expect(page.items.map((o) => [o.key, o.mode, o.size])).toEqual([
      [s.key("dir"), "link", undefined],
      [s.key("dir-old/a.txt"), "file", 1],
      [s.key("escape"), "link", undefined],
      [s.key("l"), "link", undefined],
      [s.key("secret-link"), "link", undefined],
    ]);
    await expectOutsideUntouched();
  });

  it("multipart: an upload whose target or staging leads outside completes nothing there", async () => {
    const id = (await s.driver.createMultipart(s.key("escape/mp"), {})).multipartId;
    const part = await s.driver.writePart(s.key("escape/mp"), id, 0, buf("part zero"), {});
    await expectCode(s.driver.completeMultipart(s.key("escape/mp"), id, [part], {}), "InvalidArgument");
    await s.driver.abortMultipart(s.key("escape/mp"), id, {});
    // The staging directory itself swapped for a link out.
    await mkdir(join(s.outside, "staged"));
    await symlink(join(s.outside, "staged"), join(s.root, ".stowage-multipart"));
    await expectCode(s.driver.createMultipart(s.key("mp2"), {}), "InvalidArgument");
    expect(await tree(join(s.outside, "staged"))).toEqual([]);
  });
});
