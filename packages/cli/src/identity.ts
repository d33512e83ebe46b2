import { lstat, realpath, stat } from "node:fs/promises";
import { posix } from "node:path";
import { parseEndpoint } from "@stowage/core";
import type { Endpoint, Location } from "./locations.js";

/**
 * How sure "the same storage" must be. `destructive` (a move, a sync that deletes): the same
 * service and bucket (or store) name, whatever the endpoint or region; one bucket has many
 * spellings (`https:host` and `https://host`, a port, an internal or accelerated host name,
 * `127.0.0.1` and `localhost`, a region alias), and a wrong "different" would delete the only copy.
 * `copy` (nothing is deleted): also the same endpoint (protocol, host and port, parsed) or, where
 * neither names one, the same region, so a bucket can be mirrored to another deployment of the same
 * name; a copy onto itself under another spelling rewrites the same bytes.
 */
export type Sameness = "destructive" | "copy";

/** Why a destructive command refuses two locations it cannot tell apart (for messages). */
export const SAME_NAME_NOTE = "a move or a deleting sync takes buckets of one name on one service as one, whatever their endpoints: copy, then delete, to move between two deployments";

/**
 * Whether two locations may reach the same storage, judged as {@link Sameness} says. Pairs that
 * do not change what is addressed (credentials, tuning) are ignored. "Maybe" answers true: callers
 * refuse rather than risk data.
 * @throws nothing.
 */
export function maybeSameStorage(a: Location, b: Location, sameness: Sameness = "destructive"): boolean {
  if (a.type !== b.type) return false;
  if (a.type === "fs") return true; // one file system: paths decide
  if (a.name !== b.name) return false;
  if (sameness === "destructive") return true;
  if (a.endpoint !== undefined || b.endpoint !== undefined) return endpointKey(a.endpoint) === endpointKey(b.endpoint);
  if (a.region !== undefined && b.region !== undefined) return regionKey(a.region) === regionKey(b.region);
  return true;
}

/**
 * What names the storage `loc` reaches, as {@link maybeSameStorage} tells storages apart with
 * `copy` sameness: the service, the bucket (or store) name, the endpoint (parsed: protocol, host and
 * port) and the region. Pairs that do not change what is addressed (credentials, security tokens,
 * `credential_timeout`, tuning) are not in it. Two locations with equal keys reach the same
 * storage; a location that names no region has another key than one that does. Never printed
 * (the name may be anything the user typed), only hashed.
 * @throws nothing
 */
export function storageKey(loc: Location): string {
  if (loc.type === "fs") return "fs"; // one file system: paths decide
  return JSON.stringify([loc.type, loc.name, endpointKey(loc.endpoint) ?? null, loc.region === undefined ? null : regionKey(loc.region)]);
}

/** A region as compared: trimmed, lower case. */
function regionKey(region: string): string {
  return region.trim().toLowerCase();
}

/** An endpoint as protocol, host (no trailing dot) and port, for comparing; the raw text when it does not parse. */
function endpointKey(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const e = parseEndpoint(text.trim());
    return `${e.protocol}://${e.host.replace(/\.$/, "")}:${e.port}`;
  } catch {
    return text;
  }
}

/**
 * The real path of a local path that may not exist yet: the nearest existing
 * ancestor resolved through its symbolic links, with the rest appended.
 * @throws nothing: file system errors leave the path as it is.
 */
export async function realLocalPath(path: string): Promise<string> {
  const rest: string[] = [];
  let dir = posix.normalize(path).replace(/\/+$/, "") || "/";
  for (let i = 0; i < 4096; i++) {
    try {
      const real = await realpath(dir);
      return rest.length === 0 ? real : posix.join(real, ...rest.reverse());
    } catch {
      if (dir === "/") break;
      rest.push(posix.basename(dir));
      dir = posix.dirname(dir);
    }
  }
  return path;
}

async function inode(path: string): Promise<string | undefined> {
  try {
    const s = await lstat(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Whether object `aPath` of `a` and `bPath` of `b` (absolute paths inside
 * their accounts) may be one and the same object. On fs: the same device and
 * inode, or the same real path; elsewhere: {@link maybeSameStorage} and the
 * same path. True when unsure.
 * @throws nothing: file system errors count as "unknown".
 */
export async function maybeSameObject(a: Location, aPath: string, b: Location, bPath: string, sameness: Sameness = "destructive"): Promise<boolean> {
  if (!maybeSameStorage(a, b, sameness)) return false;
  if (a.type !== "fs") return aPath.replace(/\/+$/, "") === bPath.replace(/\/+$/, "");
  const [ia, ib] = await Promise.all([inode(aPath), inode(bPath)]);
  if (ia !== undefined && ia === ib) return true;
  const real = async (p: string): Promise<string> => posix.join(await realLocalPath(posix.dirname(p)), posix.basename(p));
  const [ra, rb] = await Promise.all([real(aPath), real(bPath)]);
  return ra === rb;
}

/**
 * Whether one directory may contain the other (or both are one), judged as
 * {@link maybeSameObject} judges objects: on fs by real paths and by the
 * directories themselves (device and inode, so a bind mount of a directory is
 * that directory), elsewhere by {@link maybeSameStorage} and the paths. True
 * when unsure.
 * @throws nothing: file system errors count as "unknown".
 */
export async function maybeOverlap(a: Endpoint, b: Endpoint, sameness: Sameness = "destructive"): Promise<boolean> {
  if (!maybeSameStorage(a.loc, b.loc, sameness)) return false;
  let [da, db] = [a.dir, b.dir];
  if (a.loc.type === "fs") {
    const asDir = (p: string): string => (p.endsWith("/") ? p : p + "/");
    [da, db] = (await Promise.all([realLocalPath(a.dir), realLocalPath(b.dir)])).map(asDir) as [string, string];
    if (await containsByInode(da, db) || await containsByInode(db, da)) return true;
  }
  return da.startsWith(db) || db.startsWith(da);
}

/**
 * Whether directory `outer` (which must exist) is `inner` or one of the directories `inner`
 * lies in, by device and inode: walks up from `inner`'s deepest existing directory.
 */
async function containsByInode(outer: string, inner: string): Promise<boolean> {
  const target = await dirId(outer);
  if (target === undefined) return false;
  let dir = posix.normalize(inner).replace(/\/+$/, "") || "/";
  for (let i = 0; i < 4096; i++) {
    const id = await dirId(dir);
    if (id === target) return true;
    if (dir === "/") return false;
    dir = posix.dirname(dir);
  }
  return false;
}

async function dirId(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? `${s.dev}:${s.ino}` : undefined;
  } catch {
    return undefined;
  }
}
