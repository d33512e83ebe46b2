import { statfs } from "node:fs/promises";

/**
 * Linux `statfs` f_type magic numbers of filesystems whose files only this kernel writes (no other
 * host shares them): ext2/3/4, xfs, btrfs, tmpfs, overlay, zfs, f2fs, ramfs, bcachefs, vfat, exfat.
 */
const LOCAL_TYPES = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0x2fc12fc1, 0xf2f52010, 0x858458f6, 0xca451a4e, 0x4d44, 0x2011bab0]);

/** How many devices {@link known} remembers before it starts afresh. */
const KNOWN_DEVICES = 256;

/** Whether a device (by st_dev) holds one of {@link LOCAL_TYPES}. */
const known = new Map<bigint, boolean>();

/**
 * True when the directory `path` (on device `dev`) is on a filesystem only this machine writes
 * (Linux, {@link LOCAL_TYPES}): there, a file's size as an open handle sees it is always the
 * current one. False on network filesystems (NFS, SMB, FUSE...), on unknown ones, and where the
 * type can't be read (other platforms): there another host's append may show only once the file
 * is opened again. Asked once per device.
 * @throws nothing.
 */
export async function isLocalFilesystem(dev: bigint, path: string): Promise<boolean> {
  const was = known.get(dev);
  if (was !== undefined) return was;
  const local = process.platform === "linux" && (await statfs(path).then((st) => LOCAL_TYPES.has(st.type), () => false));
  if (known.size >= KNOWN_DEVICES) known.clear();
  known.set(dev, local);
  return local;
}
