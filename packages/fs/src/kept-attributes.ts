import { closeSync, constants, fstat, type BigIntStats } from "node:fs";
import { chmod, chown, lstat } from "node:fs/promises";
import { isErrno } from "./errors.js";
import { O_PATH, openFd, pathDescriptorsWork } from "./pinned-dir.js";

// An overwrite (a write, copy, fetch, createAppend or multipart complete over an existing file)
// puts a new file in place: a temp file renamed over the old one. cp(1) onto an existing file,
// and a shell's `>`, write into that file, so it keeps its permission bits and owner; so does this
// driver's overwrite, giving the temp file the old file's before the rename.

/** The permission bits and owner of a file an overwrite replaces. */
export interface KeptAttributes {
  /** The permission bits (`0o777`): setuid, setgid and sticky are not carried over. */
  mode: number;
  uid: number;
  gid: number;
}

/** Permission bits carried over: read, write and execute for owner, group and others. */
const PERMISSION_BITS = 0o777;

/**
 * What an overwrite of the entry `path` keeps: its permission bits and owner when it is a regular
 * file (looked at, never followed); undefined for a symlink (writing over a link replaces the link:
 * a new file), anything else, or nothing there.
 * @throws nothing.
 */
export async function attributesToKeep(path: string): Promise<KeptAttributes | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined || !st.isFile()) return undefined;
  return { mode: st.mode & PERMISSION_BITS, uid: st.uid, gid: st.gid };
}

/**
 * Gives the regular file `temp` (the new file of an overwrite, not yet in place) the permission bits
 * `kept.mode` and, where this process may, the owner `kept.uid`/`kept.gid`: a process that may not
 * give a file away (EPERM: not root) keeps the old group when it is one of its own groups, else
 * the file is its own. The file is never followed: on Linux it is named by an `O_PATH` descriptor
 * (a symlink swapped in is not a regular file: left alone), elsewhere looked at first. The mode is
 * set after the owner (a chown may clear bits).
 * @throws raw fs errors of chmod (the caller fails the write rather than leave the file more open
 *   than the one it replaces), of chown other than EPERM, and of the open.
 */
export async function giveAttributes(temp: string, kept: KeptAttributes): Promise<void> {
  if (!pathDescriptorsWork()) {
    const st = await lstat(temp);
    if (st.isFile()) await apply(temp, st.uid, st.gid, st.mode, kept);
    return;
  }
  const fd = await openFd(temp, O_PATH | constants.O_NOFOLLOW);
  try {
    const st = await new Promise<BigIntStats>((resolve, reject) => fstat(fd, { bigint: true }, (e, s) => (e ? reject(e) : resolve(s))));
    // Through the descriptor's magic link: the inode looked at, whatever its name holds by now.
    if (st.isFile()) await apply(`/proc/self/fd/${fd}`, Number(st.uid), Number(st.gid), Number(st.mode), kept);
  } finally {
    closeSync(fd);
  }
}

/** chown then chmod of `path` (a regular file with owner `uid`/`gid` and mode `mode`) to `kept`. */
async function apply(path: string, uid: number, gid: number, mode: number, kept: KeptAttributes): Promise<void> {
  if (uid !== kept.uid || gid !== kept.gid) {
    await chown(path, kept.uid, kept.gid).catch(async (e: unknown) => {
      if (!isErrno(e, "EPERM")) throw e;
      // Not root: the group alone, where it is one of this process's groups.
      if (gid !== kept.gid) await chown(path, -1, kept.gid).catch((err: unknown) => (isErrno(err, "EPERM") ? undefined : Promise.reject(err)));
    });
  }
  if ((mode & 0o7777) !== kept.mode) await chmod(path, kept.mode);
}
