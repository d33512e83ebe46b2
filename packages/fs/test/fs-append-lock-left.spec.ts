import { spawnSync } from "node:child_process";
import { promises as realFs } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// An append whose lock file cannot be removed once its bytes are written (unlink refused: an
// append-only directory, EACCES, EROFS, EIO on NFS) leaves that lock behind. It must hide nothing:
// the holder records its bytes as committed before it lets go, so readers see the appended file
// and the next append (once the holder is gone) cuts nothing. The refusal is simulated by wrapping
// node:fs/promises: an unlink of an append lock (not its guard) fails with EPERM while armed.

let refuseUnlink = false;
const isLock = (path: unknown): boolean => /^\.stowage-lock-[0-9a-f]+$/.test(basename(String(path)));

jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  unlink: async (path: string): Promise<void> => {
    if (refuseUnlink && isLock(path)) throw Object.assign(new Error("EPERM: unlink refused (test)"), { code: "EPERM", syscall: "unlink" });
    await realFs.unlink(path);
  },
}));

const { buf, drain } = await import("./helpers.js");
const { sandbox } = await import("./setup.js");
type Sandbox = Awaited<ReturnType<typeof sandbox>>;

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  refuseUnlink = false;
  await s.cleanup();
});

const contents = (path: string): Promise<string> => realFs.readFile(join(s.root, path), "utf8");

describe("fs append: a lock its holder could not remove after a successful append", () => {
  it("hides nothing: readers see the appended bytes, and the next append (its holder gone) keeps them", async () => {
    const key = s.key("log");
    await realFs.writeFile(join(s.root, "log"), "abc");
    refuseUnlink = true;
    await expect(s.driver.writeAppend(key, 3, buf("123"), {})).resolves.toEqual({ appendOffset: 6 });
    refuseUnlink = false;
    const lock = (await realFs.readdir(s.root)).find(isLock);
    expect(lock).toBeDefined(); // left behind
    expect((await s.driver.stat(key, {})).size).toBe(6);
    expect((await drain((await s.driver.read(key, {}, {})).stream)).toString()).toBe("abc123");
    // As a process that exited leaves it: the same text, naming a process that is gone.
    const { pid } = spawnSync(process.execPath, ["-e", ""]);
    const text = JSON.parse(await realFs.readFile(join(s.root, lock!), "utf8")) as Record<string, unknown>;
    await realFs.writeFile(join(s.root, lock!), JSON.stringify({ ...text, pid, token: "0123456789abcdef" }) + "\n");
    expect((await s.driver.stat(key, {})).size).toBe(6);
    await expect(s.driver.writeAppend(key, 6, buf("d"), {})).resolves.toEqual({ appendOffset: 7 });
    expect(await contents("log")).toBe("abc123d");
    expect((await realFs.readdir(s.root)).filter(isLock)).toEqual([]);
  });
});
