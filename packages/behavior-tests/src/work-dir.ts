import { randomUUID } from "node:crypto";

/**
 * Returns `conn` with a fresh `<uuid>/` appended to its work_dir, so that each run
 * of the suite starts in an empty directory. Follows the connection-string layout
 * `<type>://[<name>][/<work_dir>][?query]` (go-storage §4.2).
 *
 * @example workDirConnection("cos://bucket-1250000000/ci/?credential=env") → "cos://bucket-1250000000/ci/<uuid>/?credential=env"
 */
export function workDirConnection(conn: string, id: string = randomUUID()): string {
  const scheme = conn.indexOf("://");
  if (scheme < 0) throw new Error("a connection string must look like <type>://[<name>][/<work_dir>][?query]");
  const q = conn.indexOf("?", scheme + 3);
  const head = q < 0 ? conn : conn.slice(0, q);
  const query = q < 0 ? "" : conn.slice(q);
  // "memory://" has neither name nor work_dir: the id must go to the work_dir, not the name.
  const base = head.length === scheme + 3 ? head + "/" : head.endsWith("/") ? head : head + "/";
  return `${base}${id}/${query}`;
}
