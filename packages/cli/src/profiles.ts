import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ErrorCode, redactSecrets, storageError } from "@stowage/core";

/** Named connection strings, so secrets stay out of shell history. */
export interface Profiles {
  /** The connection string of profile `name` (case-insensitive; `-` and `_` are the same). */
  get(name: string): string | undefined;
  /** Where profile `name` is defined: `$STOWAGE_PROFILE_<NAME>` (the variable as set) or the file's path. */
  origin(name: string): string | undefined;
  /** Every profile name with where it came from, sorted. */
  list(): Array<{ name: string; source: string }>;
  /** The config file that was read (or would be). */
  readonly configPath: string;
}

/**
 * Where profiles are read from when no `--config` is given: `$STOWAGE_CONFIG`, else
 * `$XDG_CONFIG_HOME/stowage/profiles.json`, else `~/.config/stowage/profiles.json`.
 * @throws nothing but the SystemError of `os.homedir()` when `env` has no HOME and the user no home directory
 */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  if (env["STOWAGE_CONFIG"]) return env["STOWAGE_CONFIG"];
  const base = env["XDG_CONFIG_HOME"] || join(env["HOME"] || homedir(), ".config");
  return join(base, "stowage", "profiles.json");
}

/** Profile names are compared lower-case with `-` read as `_`. */
export function profileKey(name: string): string {
  return name.toLowerCase().replace(/-/g, "_");
}

function invalid(message: string): never {
  throw storageError(ErrorCode.ConnectionStringInvalid, message, { op: "load_profiles" });
}

/**
 * The warning for a profiles file others may read (POSIX: any group or other permission bit, as
 * ssh checks a private key); undefined for one only its owner can use, and on Windows (no such modes).
 */
function looseModeWarning(path: string, mode: number): string | undefined {
  if (process.platform === "win32" || (mode & 0o077) === 0) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(4, "0");
  return `warning: the profiles file ${path} can be read or written by others (mode ${octal}), and its connection strings may hold credentials: chmod 600 ${path}`;
}

/** Reads `{ "profiles": { "<name>": "<conn>" | { "connection": "<conn>" } } }` (or the inner object alone). */
function readConfigFile(path: string, required: boolean, warn: ((line: string) => void) | undefined): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    const fd = openSync(path, "r");
    try {
      // The mode of the file read (fstat of the same descriptor), not of whatever is at the name later.
      const st = fstatSync(fd);
      const loose = st.isFile() ? looseModeWarning(path, st.mode) : undefined;
      if (loose !== undefined) warn?.(loose);
      text = readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === "ENOENT") return out;
    return invalid(`cannot read the profiles file ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return invalid(`the profiles file ${path} is not valid JSON`);
  }
  const root = data !== null && typeof data === "object" && "profiles" in data ? (data as { profiles: unknown }).profiles : data;
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    return invalid(`the profiles file ${path} must hold an object of name → connection string`);
  }
  for (const [name, value] of Object.entries(root as Record<string, unknown>)) {
    const conn = typeof value === "string" ? value : (value as { connection?: unknown } | null)?.connection;
    if (typeof conn !== "string" || conn === "") {
      invalid(`profile "${redactSecrets(name)}" in ${path} must be a connection string (or { "connection": "..." })`);
    }
    out.set(profileKey(name), conn);
  }
  return out;
}

/**
 * Loads profiles from the config file (`configPath`, else `STOWAGE_CONFIG`, else
 * `$XDG_CONFIG_HOME/stowage/profiles.json`, else `~/.config/stowage/profiles.json`; a missing
 * default file is fine) and
 * from the environment: `STOWAGE_PROFILE_<NAME>=<conn>` defines profile
 * `<name>` and wins over the file. On POSIX, a file that its group or others may read or write
 * (mode & 0o077, as ssh checks a private key) is read all the same, and `warn` (when given) gets
 * one line saying so, with the `chmod 600` to run.
 * @throws ConnectionStringInvalid when an explicitly named file is missing, or a file is malformed.
 */
export function loadProfiles(env: NodeJS.ProcessEnv, configPath?: string, warn?: (line: string) => void): Profiles {
  const path = configPath ?? defaultConfigPath(env);
  const explicit = configPath !== undefined || Boolean(env["STOWAGE_CONFIG"]);
  const fromFile = readConfigFile(path, explicit, warn);
  const fromEnv = new Map<string, string>();
  const variables = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    const m = /^STOWAGE_PROFILE_(.+)$/.exec(key);
    if (m !== null && value) {
      fromEnv.set(profileKey(m[1]!), value);
      variables.set(profileKey(m[1]!), key);
    }
  }
  return {
    configPath: path,
    get: (name) => fromEnv.get(profileKey(name)) ?? fromFile.get(profileKey(name)),
    origin: (name) => {
      const variable = variables.get(profileKey(name));
      if (variable !== undefined) return `$${variable}`;
      return fromFile.has(profileKey(name)) ? path : undefined;
    },
    list: () => {
      const names = new Set([...fromFile.keys(), ...fromEnv.keys()]);
      return [...names].sort().map((name) => ({ name, source: fromEnv.has(name) ? "env" : path }));
    },
  };
}
