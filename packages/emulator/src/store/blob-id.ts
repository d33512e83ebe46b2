import { randomBytes } from "node:crypto";

/** The form of a blob id: `o-` (an object's bytes) or `p-` (a part's), then 24 lower-case hex digits. */
const BLOB_ID = /^[op]-[0-9a-f]{24}$/;

/** A fresh filename-safe blob id (see {@link isBlobId}). */
export function newBlobId(kind: "o" | "p"): string {
  return `${kind}-${randomBytes(12).toString("hex")}`;
}

/** Whether `name` has the form {@link newBlobId} gives (the start-up sweep looks at no other file). */
export function isBlobId(name: string): boolean {
  return BLOB_ID.test(name);
}
