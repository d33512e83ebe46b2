import mime from "mime";
import type { Storager } from "@stowage/core";

/**
 * The Content-Type a name's extension stands for (`page.html` → `text/html`, from the `mime`
 * package's table), matched without regard to case; undefined for a name without an extension
 * (`README`, `.env`) or with one the table does not know.
 * @throws nothing
 */
export function contentTypeOfName(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return undefined;
  return mime.getType(name.slice(dot + 1)) ?? undefined;
}

/**
 * The Content-Type to store for an object written to `dst` whose source reports `reported`:
 * the reported one (a service's object keeps its type); else, when `guess` is on and `from`
 * (the source's storage; undefined for stdin) has no content types of its own (a local file),
 * the one `name` suggests; and nothing when `dst` stores no content types.
 * @throws nothing
 */
export function contentTypeFor(
  dst: Storager,
  reported: string | undefined,
  from: Storager | undefined,
  name: string,
  guess: boolean,
): string | undefined {
  if (!dst.features.contentType) return undefined;
  if (reported !== undefined) return reported;
  if (!guess || from?.features.contentType === true) return undefined;
  return contentTypeOfName(name);
}
