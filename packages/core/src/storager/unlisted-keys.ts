/**
 * The `code` of the process warning core emits when a listing leaves out keys no path can
 * address (see `UnlistedKeys` in storager/unlisted-keys.ts). The fs driver's own warning for local names is
 * `STOWAGE_FS_UNLISTED`.
 */
export const UNLISTED_KEYS_WARNING = "STOWAGE_UNLISTED_KEYS";

/** Keys named in a warning; the rest are counted. */
const EXAMPLES = 5;

/** Characters JSON.stringify leaves raw that a terminal may act on: DEL, C1 controls, U+2028, U+2029. */
const RAW_CONTROLS = /[\u007f-\u009f\u2028\u2029]/g;

/** `key` quoted and escaped as JSON, DEL and C1 controls too (`\u009b`): safe to print. */
function quoted(key: string): string {
  return JSON.stringify(key).replace(RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Keys a listing left out because no path addresses them (written by another client: with `\`,
 * which core reads as `/`, so the listed path would read or delete another object; with an empty,
 * `.` or `..` segment, NUL or a lone surrogate, which every operation refuses). Gathered over
 * the pages of one listing and reported once by {@link UnlistedKeys.report}: a listing that only
 * skipped them would let a copy, a sync or a check of a tree report success without them.
 */
export class UnlistedKeys {
  /** The first keys left out (those a warning names); the others are only counted. */
  private readonly found: Array<{ key: string; reason: string }> = [];
  private total = 0;

  /** How many keys were left out so far. */
  get count(): number {
    return this.total;
  }

  /** Records `key`, left out for `reason`. @throws nothing */
  add(key: string, reason: string): void {
    this.total++;
    if (this.found.length < EXAMPLES) this.found.push({ key, reason });
  }

  /**
   * Emits one process warning (`code` {@link UNLISTED_KEYS_WARNING}, type `StowageWarning`) when
   * keys were left out: the count, the listing (service, bucket, work_dir, path listed) and up to
   * five of the keys (full keys), quoted and escaped as JSON (DEL and C1 controls too), each with
   * why. Node prints it on stderr; a program can count them (`process.on("warning", …)`), as the
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
    const what = count === 1 ? "1 key" : `${count} keys`;
    process.emitWarning(
      `${what} in the ${service} listing of ${quoted(path)} (bucket ${quoted(name)}, work_dir ${quoted(workDir)}) not listed: no path addresses ${count === 1 ? "it" : "them"} ("\\" is read as "/"; empty, "." and ".." segments, NUL and lone surrogates are refused): ${shown}${more}`,
      { code: UNLISTED_KEYS_WARNING, type: "StowageWarning" },
    );
  }
}
