import { parseStringPromise } from "xml2js";
import { escapeXml } from "./encoding.js";
import { ProtocolError } from "./protocol-error.js";

/** Content of an XML element: text, child elements, or nothing. `undefined` children are skipped. */
export type XmlContent = string | number | bigint | boolean | XmlElement | undefined | readonly XmlContent[];

/** One XML element built with {@link el}. */
export interface XmlElement {
  readonly tag: string;
  /** `undefined` renders the element only when {@link el} was given no content. */
  readonly content: readonly XmlContent[];
  /** False when the element was built from an `undefined` value and must be left out. */
  readonly present: boolean;
}

/**
 * Builds an element. `el("Key", "a")` → `<Key>a</Key>`; `el("Marker", "")` →
 * `<Marker></Marker>`; `el("NextMarker", undefined)` is omitted when rendered.
 */
export function el(tag: string, ...content: XmlContent[]): XmlElement {
  const present = !(content.length === 1 && content[0] === undefined);
  return { tag, content, present };
}

function renderContent(c: XmlContent, out: string[]): void {
  if (c === undefined) return;
  if (Array.isArray(c)) {
    for (const x of c as readonly XmlContent[]) renderContent(x, out);
    return;
  }
  if (typeof c === "object") {
    const e = c as XmlElement;
    if (!e.present) return;
    out.push("<", e.tag, ">");
    for (const x of e.content) renderContent(x, out);
    out.push("</", e.tag, ">");
    return;
  }
  out.push(escapeXml(String(c)));
}

/** Renders a document with the XML declaration. */
export function renderXml(root: XmlElement): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  renderContent(root, out);
  return out.join("");
}

/** A parsed XML element as xml2js gives it with `explicitArray: true`. */
export type XmlNode = { [child: string]: XmlNode[] | string[] | undefined } | string;

/**
 * Parses a request body; the root element's children are returned with every
 * child as an array (`explicitArray`).
 *
 * @throws ProtocolError `MalformedBody` when the text is not XML or the root differs.
 */
export async function parseXmlBody(text: string, root: string): Promise<Record<string, unknown[]>> {
  let doc: Record<string, unknown>;
  try {
    doc = (await parseStringPromise(text, { explicitArray: true, explicitRoot: true })) as Record<string, unknown>;
  } catch {
    throw new ProtocolError("MalformedBody", "The XML you provided was not well-formed.");
  }
  const node = doc?.[root];
  if (node === undefined || node === null) throw new ProtocolError("MalformedBody", `Expected a <${root}> document.`);
  return typeof node === "string" ? {} : (node as Record<string, unknown[]>);
}

/** The text of the first `name` child of an xml2js node, or `undefined`. */
export function childText(node: Record<string, unknown[]> | undefined, name: string): string | undefined {
  const v = node?.[name]?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "object" && "_" in (v as object)) return String((v as { _: unknown })._);
  return "";
}

/** Every `name` child of an xml2js node, as nodes. */
export function children(node: Record<string, unknown[]> | undefined, name: string): Record<string, unknown[]>[] {
  const list = node?.[name] ?? [];
  return list.map((x) => (typeof x === "object" && x !== null ? (x as Record<string, unknown[]>) : {}));
}
