/**
 * `text` as one shell word, for a command a message suggests: as it is when it needs no quotes,
 * else single-quoted (`'a b'`, a `'` in it as `'\''`).
 * @throws nothing
 */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
