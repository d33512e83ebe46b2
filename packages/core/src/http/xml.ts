import xml2js from "xml2js";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { wrongType } from "../errors/wrong-type.js";
import { parseWholeNumber, parseWireDate } from "./wire-values.js";
import { readXml } from "./xml-reader.js";

/** A parsed XML element: text, or an object of child elements (a repeated child is an array). */
export type XmlValue = string | XmlNode;

/** Child elements by name. Attributes are dropped; text is kept exactly (no trimming). */
export interface XmlNode {
  [child: string]: XmlValue | XmlValue[];
}

/** A parsed document: the root element's name and value. */
export interface XmlDocument {
  root: string;
  value: XmlValue;
}

/**
 * Parses an XML document (as services send them) into plain values: the same
 * shapes xml2js gives with `explicitArray: false` (a repeated child is an array,
 * an empty element is `""`, attributes are dropped, text is kept exactly), read
 * by core's own strict reader (xml-reader.ts), several times faster on listings.
 * @throws StorageError `Unexpected` (retryable: a damaged body may be a transfer fault) when it is not
 *   well-formed XML; `InvalidArgument` when `text` is neither a string nor a Buffer.
 */
export async function parseXml(text: string | Buffer): Promise<XmlDocument> {
  if (typeof text !== "string" && !Buffer.isBuffer(text)) throw wrongType("parseXml", "text", "a string or a Buffer", text);
  const source = typeof text === "string" ? text : text.toString("utf8");
  let parsed: ReturnType<typeof readXml>;
  try {
    parsed = readXml(source);
  } catch (e) {
    throw storageError(ErrorCode.Unexpected, `the service sent a response that is not well-formed XML`, { cause: e, retryable: true });
  }
  if (parsed === undefined) throw storageError(ErrorCode.Unexpected, "the service sent an empty XML document", { retryable: true });
  return parsed;
}

/** The child elements of `node` named `name`, always as an array (empty when absent). @throws nothing */
export function xmlChildren(node: XmlValue | undefined, name: string): XmlValue[] {
  if (node === undefined || typeof node === "string") return [];
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The text of the first child `name` of `node` (`undefined` when absent; an element with children has no text). @throws nothing */
export function xmlText(node: XmlValue | undefined, name: string): string | undefined {
  const first = xmlChildren(node, name)[0];
  return typeof first === "string" ? first : undefined;
}

/** The text of child `name` as a whole number (`undefined` when absent, not digits only, or above 2^53 − 1: see `parseWholeNumber`). @throws never */
export function xmlInt(node: XmlValue | undefined, name: string): number | undefined {
  return parseWholeNumber(xmlText(node, name));
}

/** The text of child `name` as a date (`undefined` when absent or not a date). @throws never */
export function xmlDate(node: XmlValue | undefined, name: string): Date | undefined {
  return parseWireDate(xmlText(node, name));
}

/** A value to render with {@link buildXml}: text, numbers, nested elements, arrays for repeated elements. */
export type XmlInput = string | number | boolean | XmlInputNode | XmlInput[];

/** Child elements to render, in insertion order. */
export interface XmlInputNode {
  [child: string]: XmlInput;
}

/**
 * Renders `<root>…</root>` with an XML declaration, text escaped, no indentation.
 * @throws StorageError `InvalidArgument` for text XML 1.0 cannot carry (a control character but tab, LF
 *   and CR; U+FFFE, U+FFFF; a lone surrogate), or an element name that is not an XML name.
 */
export function buildXml(root: string, value: XmlInputNode): string {
  const builder = new xml2js.Builder({ rootName: root, renderOpts: { pretty: false }, xmldec: { version: "1.0", encoding: "UTF-8" } });
  try {
    return builder.buildObject(value);
  } catch {
    // xmlbuilder's "Invalid character in string: <the text> ...": the text is not repeated.
    throw storageError(ErrorCode.InvalidArgument, `the ${root} XML body cannot carry a value given (a control character, U+FFFE, U+FFFF or a lone surrogate) or an element name`);
  }
}

/** Characters XML 1.0 cannot carry, not even as character references: C0 controls but tab, LF and CR; U+FFFE, U+FFFF. */
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
/** A UTF-16 surrogate without its other half: no character at all, in XML or in a URL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `text` can travel in an XML 1.0 body (a batch delete's keys, say): services that allow
 * U+0001–U+001F in keys (COS, OSS) cannot name such keys in XML.
 * @throws nothing.
 */
export function fitsXml(text: string): boolean {
  return !NOT_IN_XML.test(text) && !LONE_SURROGATE.test(text);
}

/**
 * True when `text` is not well-formed UTF-16 (a lone surrogate): no request, XML or URL, can name it.
 * @throws nothing.
 */
export function isMalformedKey(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
