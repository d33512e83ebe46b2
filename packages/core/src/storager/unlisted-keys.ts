/**
 * The `code` of the process warning core emits when a listing leaves out keys no path can
 * address (see `UnlistedKeys` in storager/unlisted-keys.ts). The fs driver's own warning for local names is
 * `STOWAGE_FS_UNLISTED`.
 */
export const UNLISTED_KEYS_WARNING = "STOWAGE_UNLISTED_KEYS";

/** Keys named in a warning; the rest are counted. */
const EXAMPLES = 5;

/**
 * Characters JSON.stringify leaves raw that a terminal may act on: DEL, C1 controls, U+2028,
 * U+2029, and the bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069),
 * which reorder the text shown after them.
 */
const RAW_CONTROLS = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** `key` quoted and escaped as JSON, DEL, C1 and bidirectional controls too (`\u009b`, `\u202e`): safe to print. @throws nothing */
export function quoted(key: string): string {
  return JSON.stringify(key).replace(RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Free text (a refusal's message, which may repeat a name) with C0 controls and those of `quoted` escaped as `\uXXXX`, unquoted: safe to print. @throws nothing */
export function controlsEscaped(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).replace(RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Keys (in part mode: uploads of keys) a listing left out because no path addresses them (written by another client: with `\`,
 * which core reads as `/`, so the listed path would read or delete another object; with an empty,
 * `.` or `..` segment, NUL or a lone surrogate, which every operation refuses). Gathered over
 * the pages of one listing and reported once by {@link UnlistedKeys.report}: a listing that only
 * skipped them would let a copy, a sync or a check of a tree report success without them.
 */
export class UnlistedKeys {
  /** The first keys left out (those a warning names); the others are only counted. */
  private readonly found: Array<{ key: string; reason: string }> = [];
  private total = 0;
  /** Whether the listing was of uploads (part mode): what was left out is uploads, not keys. */
  private uploads = false;

  /** How many keys (uploads, in part mode) were left out so far. */
  get count(): number {
    return this.total;
  }

  /** Records `key` (an upload's, when `upload`), left out for `reason`. @throws nothing */
  add(key: string, reason: string, upload = false): void {
    this.total++;
    this.uploads ||= upload;
    if (this.found.length < EXAMPLES) this.found.push({ key, reason });
  }

  /**
   * Emits one process warning (`code` {@link UNLISTED_KEYS_WARNING}, type `StowageWarning`) when
   * keys were left out: the count, the listing (service, bucket, work_dir, path listed) and up to
   * five of the keys (full keys), quoted and escaped as JSON (DEL, C1 and bidirectional controls
   * too), each with why. A part-mode listing counts uploads ("2 uploads in the … listing"), whose
   * keys no path addresses, and ends by saying to abort them with the client that started them.
   * Node prints it on stderr; a program can count them (`process.on("warning", …)`), as the
   * stowage CLI does. Emits nothing for no keys.
   * @throws nothing.
   */
  report(service: string, name: string, workDir: string, path: string): void {
    const count = this.total;
    if (count === 0) return;
    const shown = this.found
      .map(({ key, reason }) => `${quoted(key)} (${reason})`)
      .join(", ");
    const more = count > EXAMPLES ? `, and ${count - EXAMPLES} more` : "";
    const one = count === 1;
    const what = `${count} ${this.uploads ? "upload" : "key"}${one ? "" : "s"}`;
    const whose = this.uploads ? (one ? "its key" : "their keys") : one ? "it" : "them";
    // An upload cannot be renamed: only the client that started it can abort (or complete) it.
    const advice = this.uploads ? `; abort ${one ? "it" : "them"} with the client that started ${one ? "it" : "them"}` : "";
    process.emitWarning(
      `${what} in the ${service} listing of ${quoted(path)} (bucket ${quoted(name)}, work_dir ${quoted(workDir)}) not listed: no path addresses ${whose} ("\\" is read as "/"; empty, "." and ".." segments, NUL and lone surrogates are refused): ${shown}${more}${advice}`,
      { code: UNLISTED_KEYS_WARNING, type: "StowageWarning" },
    );
  }
}
