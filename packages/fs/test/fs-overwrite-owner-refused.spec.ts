import { promises as realFs, type BigIntStats, type Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// An overwrite gives the new file the old one's owner where this process may. Where it may not,
// the write still succeeds and only the owner is not kept: EPERM (not root), and EINVAL, which is
// what chown answers in a user namespace (a rootless container, `unshare -r`) for a file whose
// owner is not mapped into it (it shows as the overflow uid 65534). The new file then has this
// process's group, which the old group bits must not open it to: its group bits are those the old
// "other" bits grant too. A user namespace is not something a test can count on having, so the
// namespace is mocked: lstat reports the file `theirs` as another user's (as the namespace shows it),
// and every chown (by descriptor, or by name) fails EINVAL, as it does there. (Checked for real with
// `unshare -r` as well: the review's probe p2-userns.mjs.)

/**
 * The owner `theirs` shows: the overflow id 65534, unless this process's user or group is 65534 (the suite
 * run as `nobody`), for then the file would be its own: the mock only needs "not us".
 */
const OTHER = [process.getuid?.(), process.getgid?.(), process.getegid?.()].includes(65534) ? 65533 : 65534;

let inNamespace = false;
const einval = (): Error => Object.assign(new Error("EINVAL: invalid argument, chown"), { code: "EINVAL", errno: -22, syscall: "fchown" });
/** Stats of `theirs` as a user namespace shows a file of an unmapped user: owned by {@link OTHER}. */
function overflowOwned<T extends Stats | BigIntStats>(path: unknown, st: T): T {
  if (!inNamespace || basename(String(path)) !== "theirs") return st;
  const id = typeof st.uid === "bigint" ? BigInt(OTHER) : OTHER;
  return Object.assign(st, { uid: id, gid: id });
}
jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  lstat: async (path: string, options?: { bigint?: boolean }) => overflowOwned(path, await realFs.lstat(path, options)),
  chown: async (path: string, uid: number, gid: number): Promise<void> => {
    if (inNamespace) throw einval();
    return realFs.chown(path, uid, gid);
  },
  open: async (path: string, flags?: string | number, mode?: number): Promise<FileHandle> => {
    const file = await realFs.open(path, flags, mode);
    const chown = file.chown.bind(file);
    return Object.assign(file, { chown: async (uid: number, gid: number) => (inNamespace ? Promise.reject(einval()) : chown(uid, gid)) });
  },
}));

const { giveAttributes, modeWithoutGroup } = await import("../src/kept-attributes.js");
const { buf } = await import("./helpers.js");
const { sandbox } = await import("./setup.js");

let s: Awaited<ReturnType<typeof sandbox>>;
let umask: number;
beforeEach(async () => {
  s = await sandbox();
  umask = process.umask(0o022);
});
afterEach(async () => {
  inNamespace = false;
  process.umask(umask);
  await s.cleanup();
});

describe("fs: an overwrite whose owner cannot be kept", () => {
  it("in a user namespace (chown EINVAL), write and copy over a file of an unmapped user succeed; the group bits are narrowed", async () => {
    const theirs = join(s.root, "theirs");
    await realFs.writeFile(theirs, "old");
    await realFs.chmod(theirs, 0o640);
    await realFs.writeFile(join(s.root, "src"), "copied");
    inNamespace = true;
    await s.driver.write(s.key("theirs"), buf("new"), {});
    const written = await realFs.stat(theirs);
    expect(await realFs.readFile(theirs, "utf8")).toBe("new");
    await s.driver.copy(s.key("src"), s.key("theirs"), {});
    const copied = await realFs.stat(theirs);
    expect(await realFs.readFile(theirs, "utf8")).toBe("copied");
    // The file is this process's, with its group: 0640's group read is not given to that group (0600).
    for (const st of [written, copied]) expect([st.uid, st.gid, st.mode & 0o777]).toEqual([process.getuid!(), process.getegid!(), 0o600]);
    expect((await realFs.readdir(s.root)).filter((n) => n.startsWith(".stowage-tmp-"))).toEqual([]);
  });
});

describe("kept-attributes giveAttributes (through a descriptor)", () => {
  /** A stand-in for an open file: owned by 1000:1000, mode 0600; chown answers as `chown` says. */
  function handle(chown: (uid: number, gid: number) => Promise<void>) {
    const calls: string[] = [];
    const target = {
      stat: async () => ({ uid: 1000, gid: 1000, mode: 0o100600 }),
      chown: async (uid: number, gid: number) => {
        calls.push(`chown ${uid} ${gid}`);
        await chown(uid, gid);
      },
      chmod: async (mode: number) => void calls.push(`chmod ${mode.toString(8)}`),
    } as unknown as Pick<FileHandle, "stat" | "chown" | "chmod">;
    return { target, calls };
  }
  const kept = { mode: 0o664, uid: 2000, gid: 2000 };
  const fails = (code: string) => async (): Promise<void> => Promise.reject(Object.assign(new Error(code), { code }));

  it("gives owner and mode where chown works", async () => {
    const { target, calls } = handle(async () => undefined);
    await giveAttributes(target, kept);
    expect(calls).toEqual(["chown 2000 2000", "chmod 664"]);
  });

  it("EPERM, EINVAL, EOPNOTSUPP, ENOSYS: the owner is not kept, the write goes on, the group bits narrowed", async () => {
    for (const code of ["EPERM", "EINVAL", "EOPNOTSUPP", "ENOSYS"]) {
      const { target, calls } = handle(fails(code));
      await giveAttributes(target, kept);
      expect(calls).toEqual(["chown 2000 2000", "chown -1 2000", "chmod 644"]);
    }
  });

  it("the group alone, where it may (one of this process's groups): the mode kept as it was", async () => {
    const { target, calls } = handle(async (uid) => (uid === -1 ? undefined : fails("EPERM")()));
    await giveAttributes(target, kept);
    expect(calls).toEqual(["chown 2000 2000", "chown -1 2000", "chmod 664"]);
  });

  it("another chown error (EIO) fails it, before any chmod", async () => {
    const { target, calls } = handle(fails("EIO"));
    await expect(giveAttributes(target, kept)).rejects.toMatchObject({ code: "EIO" });
    expect(calls).toEqual(["chown 2000 2000"]);
  });

  it("modeWithoutGroup: the old group bits that the old other bits grant too", () => {
    expect([0o640, 0o660, 0o664, 0o644, 0o600, 0o775, 0o751, 0o606].map((m) => modeWithoutGroup(m).toString(8))).toEqual(["600", "600", "644", "644", "600", "755", "711", "606"]);
  });
});
