/** The `code` of the process warning the fs lister emits for names no key can address (see `reportUnlisted`). */
export const UNLISTED_WARNING = "STOWAGE_FS_UNLISTED";

/** A raw file name for a message: printable ASCII as is, every other byte as `\xNN`. */
function shown(raw: Buffer): string {
  let out = "";
  for (const byte of raw) out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
  return out;
}

/**
 * Makes entries a listing left out visible: names no key can address (not UTF-8, or with `\`)
 * are not listed, and a listing that only skipped them would let a copy, a sync or a check of a
 * tree report success without them. Emits one process warning (`code` {@link UNLISTED_WARNING})
 * naming the directory and up to five of the names, escaped. Node prints it on stderr; a program
 * can count them (`process.on("warning", …)`), as the stowage CLI does.
 *
 * @throws nothing.
 */
export function reportUnlisted(dirPath: string, names: readonly Buffer[]): void {
  if (names.length === 0) return;
  const list = names.slice(0, 5).map(shown).join(", ") + (names.length > 5 ? `, and ${names.length - 5} more` : "");
  const what = names.length === 1 ? "1 entry" : `${names.length} entries`;
  process.emitWarning(`${what} in ${dirPath} not listed: no key can address the name (not UTF-8, or with a backslash): ${list}`, {
    code: UNLISTED_WARNING,
    type: "StowageWarning",
  });
}
