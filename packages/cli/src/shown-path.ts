/**
 * Characters a path never shows raw in human-readable output: a backslash (the escape character
 * itself), C0 controls and DEL, C1 controls, the Unicode line and paragraph separators, the
 * bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: they reorder the
 * text shown after them, so a key could show as another), and lone surrogates.
 */
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** {@link UNSAFE} but for the backslash: what {@link shownText} escapes. */
const UNSAFE_IN_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NAMED: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The escape of one character {@link UNSAFE} matches. */
function escaped(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `path` as the CLI prints it for humans (`ls`, `ls -l`, `stat`, `du`, `verify`, `uploads`, dry
 * runs, failures of a transfer): control characters escaped C-style, so that a key cannot split a
 * line or send escape sequences to the terminal. `\` → `\\`, newline → `\n`, carriage return →
 * `\r`, tab → `\t`, other C0 controls and DEL → `\xNN`, C1 controls, U+2028, U+2029, the
 * bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and lone
 * surrogates → `\uNNNN`. Every other character (spaces, unicode) is printed as it is; `--json`
 * output is JSON and escapes as JSON does.
 * @throws nothing
 */
export function shownPath(path: string): string {
  return path.replace(UNSAFE, escaped);
}

/**
 * A line of text (an error message, a warning) as the CLI prints it: the characters
 * {@link shownPath} escapes are escaped the same way — so a service's error message cannot send
 * escape sequences to the terminal or reorder the line — except the backslash, which stays as it
 * is (a Windows path stays readable, and a key that `shownPath` escaped into the text is not
 * escaped twice). Newlines are escaped too: callers split multi-line output first.
 * @throws nothing
 */
export function shownText(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, escaped);
}
