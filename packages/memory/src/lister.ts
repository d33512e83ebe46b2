import { compareKeys, compareUploads, parseUploadToken, uploadToken, type DriverListPage, type DriverListRequest, type DriverUploadsPage, type RawObject } from "@stowage/core";
import { impliedDir, listedObject, listedUpload } from "./raw-object.js";
import type { MemoryStore, MemoryUpload } from "./store.js";

/**
 * One page of keys starting with `prefix`, sorted, after `token` (the last
 * key of the previous page). With delimiter `/`: the files directly under the
 * prefix's level and its sub-directories (explicit or implied by deeper keys)
 * as `dir` objects ending with `/`. Without: every file under the prefix
 * (a raw string prefix), no directories. Core hands back only tokens this
 * driver produced for the same prefix and mode (listing/list-token.ts).
 * Each entry carries only what a cloud listing does ({@link listedObject}).
 * @throws never
 */
export function listEntries(store: MemoryStore, request: DriverListRequest): DriverListPage {
  const { prefix, delimiter } = request;
  // Tokens are keys (a dir's key in dir mode): `startAfter` places a first page the same way.
  const token = request.token || request.startAfter;
  const limit = Math.max(1, request.limit);
  const keys = store.keys;
  const after = token !== undefined && token !== "" ? token : undefined;
  // A dir token ends with "/": its whole subtree was listed as that one item.
  const pastDir = after !== undefined && delimiter !== undefined && after.endsWith("/");
  // The first key at or after the prefix and after the token: both are leading runs of the keys.
  let keysFrom = keys.itemsFrom(
    keys.search((k) => compareKeys(k, prefix) < 0 || (after !== undefined && (compareKeys(k, after) <= 0 || (pastDir && k.startsWith(after))))),
  );
  const items: RawObject[] = [];
  let more = false;
  for (let next = keysFrom.next(); !next.done; next = keysFrom.next()) {
    const key = next.value;
    // The keys under the prefix are one run from it on: the first key past it ends the listing.
    if (!key.startsWith(prefix)) break;
    const entry = store.get(key)!;
    const rest = key.slice(prefix.length);
    let item: RawObject | undefined;
    if (delimiter === undefined) {
      if (entry.kind !== "dir") item = listedObject(key, entry);
    } else {
      const slash = rest.indexOf("/");
      if (slash === -1) {
        if (rest !== "" || entry.kind !== "dir") item = listedObject(key, entry);
      } else {
        const dir = key.slice(0, prefix.length + slash + 1);
        const own = store.get(dir);
        item = own?.kind === "dir" ? listedObject(dir, own) : impliedDir(dir);
        // The rest of the dir's subtree is that one item: go on after it.
        keysFrom = keys.itemsFrom(keys.prefixEnd(dir));
      }
    }
    if (item !== undefined) {
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(item);
    }
  }
  return more ? { items, nextToken: items[items.length - 1]!.key } : { items };
}

/**
 * One page of in-progress uploads whose key starts with `prefix`, sorted by
 * key then upload id, as `part` objects carrying their `multipartId` (and only what a cloud's
 * upload listing does: {@link listedUpload}).
 * @throws StorageError `InvalidArgument` for a token this driver did not issue.
 */
export function listUploads(store: MemoryStore, request: DriverListRequest): DriverUploadsPage {
  const limit = Math.max(1, request.limit);
  const after = request.token ? parseUploadToken(request.token) : undefined;
  const matching = [...store.uploads.values()]
    .filter((u) => u.key.startsWith(request.prefix) && (after === undefined || compareUploads(u, after) > 0))
    .sort(compareUploads);
  const page = matching.slice(0, limit);
  const items = page.map(listedUpload);
  if (matching.length <= limit) return { items };
  const last = page[page.length - 1]!;
  return { items, nextToken: uploadToken(last) };
}
