import { posix } from "node:path";
import { ErrorCode, getService, newStorager, parseConnectionString, redactConnectionString, redactSecrets, storageError, type Storager } from "@stowage/core";
import { ensureDriver, registerBundledDrivers } from "./drivers.js";
import { resolveLocalPath } from "./local-path.js";
import { connectionPath, fromProfile, refuseRawUserInfo, refuseUserInfo, shortenPairs, withCutHint, workDirHint } from "./location-text.js";
import { UsageError } from "./errors.js";
import { loadProfiles, type Profiles } from "./profiles.js";
import { shownPath } from "./shown-path.js";

/**
 * Where a command reads or writes: a service account (type, name, pairs) and
 * an absolute path inside it. Parsed from a connection string
 * (`cos://bucket/dir/?credential=...`), a profile reference (`backup:2026/`)
 * or a local path (`./photos`, opened as `fs`).
 */
export interface Location {
  /**
   * What the user typed, secrets redacted and long pair values shortened: safe to print. A
   * connection string's pairs are told from the tail of a secret by its driver's pairs once the
   * driver is loaded (when the location is first opened): before, more may be hidden.
   */
  readonly display: string;
  /** The service scheme (`fs`, `memory`, `cos`...). */
  readonly type: string;
  /** Bucket (or store) name; `""` when the service has none. */
  readonly name: string;
  /** The connection string's other pairs, re-encoded (`credential=...&endpoint=...`). */
  readonly query: string;
  /** Absolute path inside the service (`/` is the root); ends with `/` when the user wrote one. */
  readonly path: string;
  /** True for a plain local path. */
  readonly local: boolean;
  /** The `endpoint` pair, when given (what the storage resolves to, for identity checks). */
  readonly endpoint?: string;
  /** The `location` pair (region), when given. */
  readonly region?: string;
  /** True when the connection string gave no work_dir (`path` is then `/`, or the profile's sub-path). */
  readonly noWorkDir?: boolean;
  /** Where a profile's connection string came from (`profile "x" (from $STOWAGE_PROFILE_X)`), for its errors. */
  readonly profile?: string;
  /**
   * A connection string typed with a query right after a name character (`fs:///d/what?.txt`): the
   * `?` may belong to a key, so an unknown first pair gets the hint to write it `%3F`.
   */
  readonly queryAfterName?: boolean;
}

/** One side of an operation: a storager opened on a directory of a location. */
export interface Endpoint {
  readonly loc: Location;
  /** The directory the storager's work_dir points at (absolute, ends with `/`). */
  readonly dir: string;
  readonly store: Storager;
}

/** A storager that reaches two endpoints at once, for server-side copy and move. */
export interface SharedStore {
  readonly store: Storager;
  /** Path of the first endpoint's dir relative to the shared work_dir (`""` or ends with `/`). */
  readonly aPrefix: string;
  readonly bPrefix: string;
  /**
   * Between two local (fs) directories: the fs driver's call options that confine each side of a
   * copy or move to its own directory (`sourceWithin`: `aPrefix`, `destinationWithin`: `bPrefix`),
   * given on every copy and move through the shared storager; undefined elsewhere.
   */
  readonly within?: { readonly sourceWithin: string; readonly destinationWithin: string };
}

const CONN = /^[a-z][a-z0-9+.-]*:\/\//;
const PROFILE = /^([A-Za-z0-9_][A-Za-z0-9_.-]*):(.*)$/s;
const SCHEME = /^[a-z][a-z0-9+.-]*$/;

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function asDir(path: string): string {
  return path.endsWith("/") ? path : path + "/";
}

/** `/a/b/c` → `["/a/b/", "c"]`. */
function splitObject(path: string, display: string): [string, string] {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") throw storageError(ErrorCode.InvalidArgument, `${display} is a root directory, not an object`);
  const slash = trimmed.lastIndexOf("/");
  return [trimmed.slice(0, slash + 1), trimmed.slice(slash + 1)];
}

/**
 * Refuses a connection string without a work_dir for a service that requires one (fs), as
 * `newStorager` does: the CLI must never fall back to `/` there (`fs://tmp` is a typo of `fs:///tmp`).
 * Services not registered yet are checked again when opened.
 * @throws PairRequired
 */
function requireWorkDir(type: string, name: string, display: string): void {
  if (getService(type)?.storagerRequires?.includes("work_dir") !== true) return;
  throw storageError(ErrorCode.PairRequired, `${display} names no directory, and ${type} needs one (a work_dir): ${workDirHint(type, name)}`, {
    op: "open",
    service: type,
  });
}

/** Parses locations and opens (and caches) storagers on them. */
export class Locations {
  private profiles: Profiles | undefined;
  private readonly stores = new Map<string, Storager>();

  /**
   * `warn` gets the warnings of reading the profiles file (one that others may read), once: the
   * file is read at the first profile reference.
   * @throws nothing
   */
  constructor(private readonly opts: { cwd: string; env: NodeJS.ProcessEnv; configPath?: string; warn?: (line: string) => void }) {}

  /**
   * Parses a location argument. An empty one is refused: it never means the current directory
   * (an unset shell variable would otherwise make `rm -r "$DIR"` delete it; `.` is written for it).
   * @throws UsageError (an empty argument), ConnectionStringInvalid (malformed string, a name with
   *   user information such as `AK:SK@bucket`, unknown profile, bad profiles file).
   */
  parse(arg: string): Location {
    if (arg === "") throw new UsageError('an empty location ("") names nothing: write . for the current directory');
    if (CONN.test(arg)) return this.fromConnection(arg, arg, undefined);
    // " cos://b/" (copied with a space) is a connection string gone wrong, not a local directory named " cos:".
    if (arg.trim() !== arg && CONN.test(arg.trim())) parseConnectionString(arg);
    const m = PROFILE.exec(arg);
    if (m !== null && !(process.platform === "win32" && /^[A-Za-z]$/.test(m[1]!))) {
      const [, name, rest] = m as unknown as [string, string, string];
      this.profiles ??= loadProfiles(this.opts.env, this.opts.configPath, this.opts.warn);
      const conn = this.profiles.get(name);
      if (conn !== undefined) {
        const origin = `profile "${name}" (from ${this.profiles.origin(name) ?? this.profiles.configPath})`;
        try {
          return { ...this.fromConnection(conn, arg, rest), profile: origin };
        } catch (e) {
          throw fromProfile(origin, e);
        }
      }
      registerBundledDrivers();
      if (SCHEME.test(name) && getService(name) !== undefined) parseConnectionString(arg); // "fs:/x": report the syntax error
      throw storageError(
        ErrorCode.ConnectionStringInvalid,
        `unknown profile "${name}": define it in ${this.profiles.configPath} or as STOWAGE_PROFILE_${name.toUpperCase().replace(/-/g, "_")} ` +
          `(a connection string needs "${name}://", a local path with ":" needs "./")`,
      );
    }
    return this.local(arg);
  }

  /**
   * A local path (never a profile or connection string), opened as `fs`. A `..` in it is resolved as
   * the kernel does: through symbolic links, and only after a directory.
   * @throws StorageError `ObjectNotExist`, `ObjectModeInvalid` or `PermissionDenied` when a name
   *   before a `..` cannot be gone through
   */
  local(arg: string): Location {
    const abs = resolveLocalPath(this.opts.cwd, arg).split("\\").join("/");
    // `x/`, and `x/.` or `x/..` (which name a directory too: `rm x/.` must not delete a file x).
    const dir = /[\\/]$/.test(arg) || /(^|[\\/])\.\.?$/.test(arg);
    const path = dir ? asDir(abs) : abs;
    return { display: arg, type: "fs", name: "", query: "", path, local: true };
  }

  private fromConnection(conn: string, typed: string, sub: string | undefined): Location {
    // Repeats of `name` and `work_dir` (the path part's included) with different values are refused
    // here, so a repeat holds the same value: the first one is taken (the path part's, which comes
    // first; for work_dir `/a` and `/a/` count as the same), even when empty. Every other pair goes on
    // to the storager repeats and all, where core compares them as values of their pair (`1` and `01`
    // are one) and refuses a key that is no pair of the service as unknown.
    // Before any pair is read: a password holding `?` would make its tail a pair (review-tail9 H1).
    refuseRawUserInfo(conn);
    const parsed = parseConnectionString(conn, (key) => key !== "name" && key !== "work_dir");
    let name = parsed.name;
    let path = parsed.workDir;
    const rest: string[] = [];
    let endpoint: string | undefined;
    let region: string | undefined;
    for (const { key, value } of parsed.pairs) {
      if (key === "endpoint" && endpoint === undefined) endpoint = value;
      if (key === "location" && region === undefined) region = value;
      if (key === "name") name ??= value;
      else if (key === "work_dir") path ??= value;
      else rest.push(value === "" ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    }
    refuseUserInfo(parsed.type, name, { name: parsed.name, workDir: parsed.workDir });
    // A path after a profile (`prof:/abs/dir/`) names the directory when the profile has none.
    const noWorkDir = (path === undefined || path === "") && (sub === undefined || sub === "");
    if (noWorkDir) {
      registerBundledDrivers();
      requireWorkDir(parsed.type, name ?? "", typed);
    }
    path = (path === undefined || path === "" ? "/" : path).replace(/\\/g, "/");
    // As the library: a relative work_dir pair is refused, never put under / (it would open /data for "data").
    if (!path.startsWith("/")) {
      throw storageError(ErrorCode.ConnectionStringInvalid, `work_dir ${JSON.stringify(path)} must be absolute (start with "/"): it is not resolved against the current directory`);
    }
    if (sub !== undefined && sub !== "") path = asDir(path) + sub.replace(/^\/+/, "");
    const query = rest.join("&");
    // A profile reference (`backup:dir/what?.txt`) holds no pairs: what follows the name is a path,
    // taken literally, so nothing in it is shortened as if it were a pair value. A connection string
    // is redacted by its structure: each secret value hidden whole up to the next `&` (blanks too),
    // and an unknown pair right after a secret hidden as the likely rest of it. Only the pairs of a
    // registered driver are known, and a driver is loaded when the location is opened: until then
    // the display is worked out anew each time (more is hidden), then kept.
    registerBundledDrivers();
    const type = parsed.type;
    let display: string | undefined;
    const shown = (): string => {
      if (display !== undefined) return display;
      const text = sub === undefined ? shortenPairs(redactConnectionString(typed)) : redactSecrets(typed);
      if (getService(type) !== undefined) display = text;
      return text;
    };
    const pathEnd = parsed.workDir ?? parsed.name ?? "";
    const queryAfterName = sub === undefined && query !== "" && pathEnd !== "" && !pathEnd.endsWith("/");
    return {
      get display(): string {
        return shown();
      },
      type: parsed.type,
      name: name ?? "",
      query,
      path,
      local: false,
      ...(noWorkDir ? { noWorkDir } : {}),
      ...(queryAfterName ? { queryAfterName } : {}),
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(region === undefined ? {} : { region }),
    };
  }

  /**
   * A storager whose work_dir is `dir` (absolute, ends with `/`) in `loc`'s account.
   * A profile's location names the profile (and where it came from) in these errors.
   * @throws ServiceNotRegistered, PairRequired (the service needs a work_dir the location did not give), ConnectionStringInvalid, PairRequired, PairUnsupported
   */
  async open(loc: Location, dir: string): Promise<Storager> {
    const conn = `${loc.type}://${encodeURIComponent(loc.name)}${encodePath(asDir(dir))}${loc.query ? `?${loc.query}` : ""}`;
    let store = this.stores.get(conn);
    if (store === undefined) {
      try {
        await ensureDriver(loc.type, this.opts.cwd, loc.name === "" || loc.name === "localhost" ? loc.path : undefined);
        if (loc.noWorkDir === true) requireWorkDir(loc.type, loc.name, loc.display);
        store = newStorager(conn);
      } catch (e) {
        throw fromProfile(loc.profile, loc.queryAfterName === true ? withCutHint(e) : e);
      }
      this.stores.set(conn, store);
    }
    return store;
  }

  /** The location as a directory: a storager on it, paths relative to it. @throws as {@link Locations.open} */
  async dir(loc: Location): Promise<Endpoint> {
    const dir = asDir(loc.path);
    return { loc, dir, store: await this.open(loc, dir) };
  }

  /**
   * The location as one object: a storager on its parent directory and the object's name.
   * @throws InvalidArgument when the location is a root directory.
   */
  async object(loc: Location): Promise<{ endpoint: Endpoint; key: string }> {
    const [dir, key] = splitObject(loc.path, loc.display);
    return { endpoint: { loc, dir, store: await this.open(loc, dir) }, key };
  }

  /** The endpoint for directory `sub` (relative, ends with `/` or is empty) below `e`. @throws as {@link Locations.open} */
  async below(e: Endpoint, sub: string): Promise<Endpoint> {
    const dir = e.dir + sub;
    return { loc: e.loc, dir, store: await this.open(e.loc, dir) };
  }

  /**
   * One storager reaching both endpoints when they are in the same account
   * (same service, name and pairs) and it can copy server-side; else undefined.
   * An unnamed `memory://` store is private to each storager, so never shared.
   * Two local (fs) directories share one opened at their common parent, which on its own keeps paths
   * inside that parent only: every copy and move through it carries `within` (`a` the source, `b`
   * the destination), with which the fs driver confines each side to its own directory, checked on
   * what it opens (a directory symlink inside either side leading elsewhere, or a source that is a
   * symbolic link, is refused with nothing changed: copy-object.ts then streams that object).
   * @throws as {@link Locations.open}, when the two share an account
   */
  async shared(a: Endpoint, b: Endpoint): Promise<SharedStore | undefined> {
    if (!sameAccount(a.loc, b.loc) || !a.store.features.copy || needsCopySourceKey(a.loc)) return undefined;
    const sa = a.dir.split("/");
    const sb = b.dir.split("/");
    let n = 0;
    while (n < sa.length - 1 && n < sb.length - 1 && sa[n] === sb[n]) n++;
    const root = sa.slice(0, n).join("/") + "/";
    const [aPrefix, bPrefix] = [a.dir.slice(root.length), b.dir.slice(root.length)];
    const store = await this.open(a.loc, root);
    if (a.loc.type !== "fs") return { store, aPrefix, bPrefix };
    return { store, aPrefix, bPrefix, within: { sourceWithin: aPrefix, destinationWithin: bPrefix } };
  }
}

/**
 * Whether the location encrypts with a customer key (SSE-C) but names no key for a copy's source:
 * a server-side copy could not read its source then (the service needs the source's key in the
 * `copy_source_*` pairs), so such copies are streamed, read and written with the location's key.
 */
function needsCopySourceKey(loc: Location): boolean {
  const names = new URLSearchParams(loc.query);
  const has = (suffix: string): boolean => [...names.keys()].some((k) => k.endsWith(suffix));
  return has("encryption_customer_key") && !has("copy_source_server_side_encryption_customer_key") && !has("copy_source_encryption_customer_key");
}

/** Same service, same bucket, same pairs (and not a private memory store). @throws nothing */
export function sameAccount(a: Location, b: Location): boolean {
  return a.type === b.type && a.name === b.name && a.query === b.query && !(a.type === "memory" && a.name === "");
}


/**
 * `dir/name` for messages: the location's display plus a relative path. A service location is
 * written as a connection string that addresses the same object (`fs:///d/what%3F.txt`).
 */
export function describe(e: Endpoint, rel: string): string {
  if (e.loc.local) return posix.join(e.dir, rel);
  return `${e.loc.type}://${connectionPath(e.loc.name)}${connectionPath(e.dir + rel)}`;
}

/**
 * A path below an operand as the user can tell it apart from those of other operands: a local
 * path or a profile reference as it was typed followed by the path below it (`tree/a.txt`,
 * `backup:t/a.txt`; the operand alone for the object it names), a connection string as
 * {@link describe} writes it (`cos://bucket/t/a.txt`, without pairs). Escaped as {@link shownPath}
 * escapes paths.
 * @throws nothing
 */
export function shownUnder(e: Endpoint, key: string): string {
  const full = e.dir + key;
  const { loc } = e;
  const base = asDir(loc.path);
  if ((loc.local || loc.profile !== undefined) && (full === loc.path || full.startsWith(base))) {
    if (full === loc.path || full === base) return shownPath(loc.display);
    return shownPath(`${loc.display.endsWith("/") || loc.display.endsWith(":") ? loc.display : `${loc.display}/`}${full.slice(base.length)}`);
  }
  return shownPath(describe(e, key));
}
