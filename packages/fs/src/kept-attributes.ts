import type { FileHandle } from "node:fs/promises";
import { isErrno } from "./errors.js";
import { lstatRegular } from "./files.js";

// An overwrite (a write, copy, fetch, createAppend or multipart complete over an existing file)
// puts a new file in place: a temp file renamed over the old one. cp(1) onto an existing file,
// and a shell's `>`, write into that file, so it keeps its permission bits and owner; so does this
// driver's overwrite. The temp file is made 0600 (atomic.ts), so the new bytes are never open to
// more than this process's user while they are written, and is given the old file's bits and owner
// through the descriptor it was written through, once written, before the rename: never by its
// name, so whatever another user may have put under that name meanwhile is left alone. ACLs and
// other extended attributes are not kept (Node has no API for them; README: Atomic writes).

/** The permission bits and owner of a file an overwrite replaces. */
export interface KeptAttributes {
  /** The permission bits (`0o777`): setuid, setgid and sticky are not carried over. */
  mode: number;
  uid: number;
  gid: number;
}

/** What {@link giveAttributes} works through: an open file's descriptor (a `FileHandle`). */
export type AttributeTarget = Pick<FileHandle, "stat" | "chown" | "chmod">;

/** Permission bits carried over: read, write and execute for owner, group and others. */
const PERMISSION_BITS = 0o777;

/**
 * chown errors that leave the owner as it is and the write going on: EPERM (not root, or not the
 * group's member), EINVAL (an owner the process cannot name: in a user namespace, a file of a user
 * not mapped into it shows as the overflow uid 65534, which chown refuses), and a filesystem that
 * has no owners to give (EOPNOTSUPP, ENOTSUP, ENOSYS: some FUSE and SMB mounts).
 */
const OWNER_NOT_GIVEN = ["EPERM", "EINVAL", "EOPNOTSUPP", "ENOTSUP", "ENOSYS"];

/**
 * What an overwrite of the entry `path` keeps: its permission bits and owner when it is a regular
 * file (looked at, never followed); undefined for a symlink (writing over a link replaces the link:
 * a new file), anything else, or nothing there.
 * @throws nothing.
 */
export async function attributesToKeep(path: string): Promise<KeptAttributes | undefined> {
  const st = await lstatRegular(path);
  if (st === undefined) return undefined;
  return { mode: Number(st.mode) & PERMISSION_BITS, uid: Number(st.uid), gid: Number(st.gid) };
}

/**
 * The permission bits `mode` of a file that could not keep its group (it has another one now):
 * its group bits are the old group bits that the old "other" bits grant too. A member of the new
 * group had, on the old file, the old group bits (a member of the old group too) or else the
 * "other" bits: granting no more than both never opens the file to anyone the old one was closed
 * to (the old group bits alone would, to the new group). 0640 becomes 0600, 0664 0644; 0644 stays 0644.
 * @throws nothing.
 */
export function modeWithoutGroup(mode: number): number {
  const other = mode & 0o7;
  return (mode & ~0o70) | (mode & 0o70 & (other << 3));
}

/**
 * Gives the file open as `file` (the new file of an overwrite, written, not yet in place) the
 * owner `kept.uid`/`kept.gid` where this process may, and the permission bits `kept.mode`: all
 * through the descriptor (fchown, fchmod), never by a name. A process that may not give a file away
 * ({@link OWNER_NOT_GIVEN}: not root, or in a user namespace the owner is not mapped into) keeps the
 * old group where it is one of its own groups, else the file keeps the group it was made with and
 * gets {@link modeWithoutGroup}'s bits (the old group bits would apply to another group). The mode
 * is set after the owner (a chown may clear bits).
 * @throws raw fs errors of fstat, of chmod (the caller fails the write: the file stays 0600, as
 *   made), and of chown other than {@link OWNER_NOT_GIVEN}.
 */
export async function giveAttributes(file: AttributeTarget, kept: KeptAttributes): Promise<void> {
  const st = await file.stat();
  let gid = st.gid;
  if (st.uid !== kept.uid || st.gid !== kept.gid) {
    if (await ownerGiven(() => file.chown(kept.uid, kept.gid))) gid = kept.gid;
    // Not root: the group alone, where it is one of this process's groups.
    else if (gid !== kept.gid && (await ownerGiven(() => file.chown(-1, kept.gid)))) gid = kept.gid;
  }
  const mode = gid === kept.gid ? kept.mode : modeWithoutGroup(kept.mode);
  if ((st.mode & 0o7777) !== mode) await file.chmod(mode);
}

/** Runs `chown`: true when it gave the file, false when it was refused with one of {@link OWNER_NOT_GIVEN}. @throws other errors. */
async function ownerGiven(chown: () => Promise<void>): Promise<boolean> {
  try {
    await chown();
    return true;
  } catch (e) {
    if (isErrno(e, ...OWNER_NOT_GIVEN)) return false;
    throw e;
  }
}
