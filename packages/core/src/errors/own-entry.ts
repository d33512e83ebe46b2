/**
 * `table[key]` where `key` is the table's own entry, else undefined: for tables looked up by words
 * a service or a caller sent (`"constructor"`, `"toString"` and `"__proto__"` name inherited
 * members of any object, never an entry).
 * @throws nothing
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
