/**
 * Decodes a name from an XML listing sent with `encoding-type=url` (`+` is a space);
 * a name that is not valid percent-encoding is returned as it is.
 * @throws never
 */
export function decodeListedName(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, "%20"));
  } catch {
    return text;
  }
}
