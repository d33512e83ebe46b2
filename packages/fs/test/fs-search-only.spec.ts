import { fork } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";

// Directories a user may enter but not read (search `x` without `r`): drop boxes (0333, 1733),
// home directories (0711). The kernel lets stat, create, rename and unlink entries there by name;
// so does the driver (it pins such a directory with O_PATH), while still confining every access to
// the work_dir. A listing of such a directory fails, naming it: it is never left out. The calls run
// in a child process (test/child/search-only.ts): as uid 65534 when this test runs as root, whom
// no directory mode stops, else as this user (the modes below deny read to owner, group and others).
// Run as another user, its overwrite of this process's file keeps the file's mode, not its owner.

const CHILD = fileURLToPath(new URL("./child/search-only.ts", import.meta.url));
const REGISTER = fileURLToPath(new URL("./child/register-ts.mjs", import.meta.url));
/** The user the child runs as when this process is root: one root is not. */
const OTHER_USER = 65534;

interface Outcome {
  label: string;
  ok: boolean;
  value?: unknown;
  code?: string;
  message?: string;
}

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stowage-fs-search-"));
  // The child, as another user, must reach the stores.
  await chmod(tmp, 0o755);
});
afterEach(async () => {
  for (const dir of ["work/dropbox", "work/xonly", "xwork"]) await chmod(join(tmp, dir), 0o755).catch(() => undefined);
  await rm(tmp, { recursive: true, force: true });
});

/** Runs the child on the two work_dirs; resolves with its outcomes by label. */
async function runChild(workDir: string, searchOnlyWorkDir: string): Promise<Map<string, Outcome>> {
  const root = process.getuid?.() === 0;
  const asOther = root ? { uid: OTHER_USER, gid: OTHER_USER } : {};
  // The child's own TMPDIR and HOME, which it may write whatever TMPDIR this process has (a root-owned
  // 0755 one, say): its TypeScript loader (swc) keeps a cache of its native binding there.
  const own = join(tmp, "child-home");
  await mkdir(own, { mode: 0o700 });
  if (root) await chown(own, OTHER_USER, OTHER_USER);
  const env = { ...process.env, TMPDIR: own, HOME: own };
  const child = fork(CHILD, [workDir, searchOnlyWorkDir], { execArgv: ["--import", REGISTER, "--no-warnings"], stdio: ["ignore", "inherit", "inherit", "ipc"], env, ...asOther });
  return new Promise((resolve, reject) => {
    child.once("message", (outcomes) => resolve(new Map((outcomes as Outcome[]).map((o) => [o.label, o]))));
    child.once("exit", (code) => reject(new Error(`the child exited (${code}) without its outcomes`)));
  });
}

describe("fs: directories this process may enter but not read", () => {
  it("stat, read, write, copy, move, append, createDir and delete work by name; a listing fails naming the directory; confinement holds", async () => {
    const work = join(tmp, "work");
    const outside = join(tmp, "outside");
    await mkdir(join(work, "dropbox"), { recursive: true });
    await mkdir(join(work, "xonly", "sub"), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, "secret"), "SECRET");
    await writeFile(join(work, "dropbox", "old"), "old");
    await writeFile(join(work, "dropbox", "theirs"), "theirs");
    await chmod(join(work, "dropbox", "theirs"), 0o640);
    await writeFile(join(work, "xonly", "g"), "g");
    await writeFile(join(work, "xonly", "sub", "f"), "f");
    await symlink(outside, join(work, "xonly", "esc"));
    await symlink(join(outside, "secret"), join(work, "dropbox", "esc-file"));
    await chmod(join(work, "xonly", "sub"), 0o777);
    await chmod(join(work, "dropbox"), 0o333);
    await chmod(join(work, "xonly"), 0o111);
    const xwork = join(tmp, "xwork");
    await mkdir(join(xwork, "d"), { recursive: true });
    await writeFile(join(xwork, "f"), "f");
    await writeFile(join(xwork, "d", "g"), "g");
    await chmod(join(xwork, "d"), 0o777);
    await chmod(xwork, 0o111);

    const got = await runChild(work, xwork);
    const outcome = (label: string): Outcome => {
      const o = got.get(label);
      if (o === undefined) throw new Error(`no outcome for ${label}`);
      return o;
    };
    const value = (label: string): unknown => {
      const o = outcome(label);
      if (!o.ok) throw new Error(`${label} failed: ${o.code} ${o.message}`);
      return o.value;
    };
    // The premise: the child cannot read these directories.
    for (const label of ["readdir dropbox", "readdir xonly", "readdir the search-only work_dir"]) expect(outcome(label)).toMatchObject({ ok: false, code: "EACCES" });

    expect(value("write dropbox/new")).toBe(3);
    expect(value("read dropbox/new")).toBe("new");
    expect(value("stat dropbox/old")).toBe(3);
    value("copy dropbox/old to dropbox/copy");
    value("move dropbox/copy to dropbox/moved");
    expect(value("read dropbox/moved")).toBe("old");
    expect(value("createDir dropbox/sub/")).toBe("dir");
    expect(value("write dropbox/sub/deep")).toBe(4);
    expect(value("createAppend and writeAppend dropbox/log")).toBe(4);
    expect(value("stat dropbox/log")).toBe(4);
    // An overwrite keeps the mode; the owner only where the writer may give a file away (the child is not root).
    // Run as another user, the child cannot keep the group either (root's, not one of its own): the
    // file gets the child's group, which the old group bits (r) would open it to; the old "other"
    // bits (none) are what that group's members had, so the group bits go: 0640 becomes 0600.
    expect(value("write dropbox/theirs")).toBe(8);
    const theirs = await stat(join(work, "dropbox", "theirs"));
    const asOther = process.getuid!() === 0;
    expect([theirs.mode & 0o777, theirs.uid, theirs.gid]).toEqual(asOther ? [0o600, OTHER_USER, OTHER_USER] : [0o640, process.getuid!(), process.getgid!()]);
    value("delete dropbox/old");
    expect(outcome("stat dropbox/old after delete")).toMatchObject({ ok: false, code: "ObjectNotExist" });
    expect(value("stat xonly/g")).toBe(1);
    expect(value("read xonly/g")).toBe("g");
    expect(value("write xonly/sub/h")).toBe(1);
    expect(value("list xonly/sub/")).toEqual(["xonly/sub/f", "xonly/sub/h"]);
    expect(value("search-only work_dir: stat f")).toBe(1);
    expect(value("search-only work_dir: read f")).toBe("f");
    expect(value("search-only work_dir: write d/n")).toBe(1);
    expect(value("search-only work_dir: list d/")).toEqual(["d/g", "d/n"]);

    // Never left out of a listing: the listing fails, naming the directory relative to the work_dir.
    for (const label of ["list dropbox/", "list the work_dir by prefix"]) {
      expect(outcome(label)).toMatchObject({ ok: false, code: "PermissionDenied" });
      expect(outcome(label).message).toContain('cannot read directory "dropbox/"');
      expect(outcome(label).message).toContain('path="dropbox/"');
    }

    // Confinement: a link leading outside is refused through a search-only directory too.
    expect(outcome("stat xonly/esc/secret")).toMatchObject({ ok: false, code: "InvalidArgument" });
    expect(outcome("write xonly/esc/planted")).toMatchObject({ ok: false, code: "InvalidArgument" });
    // Writing over an outward link replaces the link, never the file it leads to.
    expect(value("write dropbox/esc-file")).toBe(8);
    expect(await readdir(outside)).toEqual(["secret"]);
    expect(await readFile(join(outside, "secret"), "utf8")).toBe("SECRET");
    await chmod(join(work, "dropbox"), 0o755);
    expect((await readdir(join(work, "dropbox"))).sort()).toEqual(["esc-file", "log", "moved", "new", "sub", "theirs"]);
  });
});
