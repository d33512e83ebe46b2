import { RESERVED_NAMES } from "./reserved-names.js";

/** The `code` of the process warning the fs lister emits for entries it left out (see `reportUnlisted`). */
export const UNLISTED_WARNING = "STOWAGE_FS_UNLISTED";

/** A raw file name for a message: printable ASCII as is, every other byte as `\xNN`. */
function shown(raw: Buffer): string {
  let out = "";
  for (const byte of raw) out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
  return out;
}

/** Up to five names, escaped, and how many more. */
function listed(names: readonly Buffer[]): string {
  return names.slice(0, 5).map(shown).join(", ") + (names.length > 5 ? `, and ${names.length - 5} more` : "");
}

/**
 * Makes entries a listing left out visible: names no key can address (not UTF-8, or with `\`),
 * and entries under a name the driver reserves for its own files (paths.ts isReserved) that it did
 * not make (reserved-entries.ts), are not listed, and a listing that only skipped them would let
 * a copy, a sync or a check of a tree report success without them. Emits one process warning per
 * call (`code` {@link UNLISTED_WARNING}) naming the directory and up to five names of each kind,
 * escaped. Node prints it on stderr; a program can count them (`process.on("warning", …)`), as
 * the stowage CLI does.
 *
 * @throws nothing.
 */
export function reportUnlisted(dirPath: string, unaddressable: readonly Buffer[], reserved: readonly Buffer[] = []): void {
  const count = unaddressable.length + reserved.length;
  if (count === 0) return;
  const why: string[] = [];
  if (unaddressable.length > 0) why.push(`no key can address the name (not UTF-8, or with a backslash): ${listed(unaddressable)}`);
  if (reserved.length > 0) why.push(`the name is reserved for the fs driver's own files (${RESERVED_NAMES}), but these entries are not the driver's: ${listed(reserved)}`);
  const what = count === 1 ? "1 entry" : `${count} entries`;
  process.emitWarning(`${what} in ${dirPath} not listed: ${why.join("; ")}`, {
    code: UNLISTED_WARNING,
    type: "StowageWarning",
  });
}
