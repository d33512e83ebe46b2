import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import xml2js from "xml2js";
import { parseXml } from "../src/http/xml.js";
import { readXml, XmlSyntaxError } from "../src/http/xml-reader.js";

/** What core's parseXml returned while it used xml2js: the reference the reader must match. */
const XML2JS_OPTIONS: xml2js.ParserOptions = {
  explicitArray: false,
  explicitRoot: true,
  ignoreAttrs: true,
  trim: false,
  normalize: false,
  emptyTag: "",
  strict: true,
};

type Outcome = { ok: unknown } | { error: true };

async function viaXml2js(xml: string): Promise<Outcome> {
  try {
    const parsed: unknown = await xml2js.parseStringPromise(xml, XML2JS_OPTIONS);
    return parsed === null ? { error: true } : { ok: parsed };
  } catch {
    return { error: true };
  }
}

function viaReader(xml: string): Outcome {
  try {
    const doc = readXml(xml);
    return doc === undefined ? { error: true } : { ok: { [doc.root]: doc.value } };
  } catch (e) {
    expect(e).toBeInstanceOf(XmlSyntaxError);
    return { error: true };
  }
}

// Documents: elements with text (special characters escaped in every allowed way), CDATA,
// comments, attributes, self-closing empty elements, repeated children and mixed content.
// (No Object.prototype names: xml2js mistakes <toString> for the inherited function; see the last test.)
const NAMES = ["A", "B", "Key", "Contents", "x-y", "ns:E", "_x"];
const TEXT = fc.string({ unit: fc.constantFrom("a", "b", "1", " ", "\n", "\t", "&", "<", ">", '"', "'", "é", "中", "😀", "]") });

function escapeText(text: string, style: number): string {
  return text.replace(/[&<>"'\u00e9]/g, (c) => {
    if (c === "&") return ["&amp;", "&#38;", "&#x26;"][style % 3]!;
    if (c === "<") return ["&lt;", "&#60;", "&#x3C;"][style % 3]!;
    if (c === "é") return style % 2 === 0 ? c : "&#xe9;";
    if (c === ">") return style % 2 === 0 ? c : "&gt;";
    if (c === '"') return style % 2 === 0 ? c : "&quot;";
    return style % 2 === 0 ? c : "&apos;";
  });
}

const item = fc.letrec<{ node: string; content: string }>((tie) => ({
  node: fc
    .tuple(fc.constantFrom(...NAMES), fc.array(tie("content"), { maxLength: 5 }), fc.boolean(), fc.boolean())
    .map(([name, content, attrs, selfClose]) => {
      const open = attrs ? `${name} a="1 > 2" b='x'` : name;
      const inner = content.join("");
      return inner === "" && selfClose ? `<${open}/>` : `<${open}>${inner}</${name}>`;
    }),
  // The first choice (text) is the one taken once the depth limit is reached.
  content: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    { weight: 3, arbitrary: fc.tuple(TEXT, fc.nat(5)).map(([t, style]) => escapeText(t, style)) },
    { weight: 3, arbitrary: tie("node") },
    { weight: 1, arbitrary: TEXT.map((t) => `<![CDATA[${t.replace(/]]>/g, "")}]]>`) },
    { weight: 1, arbitrary: TEXT.map((t) => `<!--${t.replace(/--/g, "").replace(/-$/, "")}-->`) },
  ),
}));

const documents = fc
  .tuple(fc.boolean(), fc.constantFrom("", " ", "\n"), item.node)
  .map(([declaration, space, root]) => `${declaration ? '<?xml version="1.0" encoding="UTF-8"?>' : ""}${space}${root}${space}`);

describe("readXml", () => {
  it("gives what xml2js gave for any well-formed document", async () => {
    await fc.assert(
      fc.asyncProperty(documents, async (xml) => {
        expect(viaReader(xml)).toEqual(await viaXml2js(xml));
      }),
      { numRuns: 400 },
    );
  });

  it("fails, like xml2js, on every truncation of a document (a cut-short body never parses)", async () => {
    await fc.assert(
      fc.asyncProperty(item.node, fc.double({ min: 0, max: 1, noNaN: true }), async (xml, where) => {
        const cut = xml.slice(0, Math.floor(where * (xml.length - 1)));
        expect(viaReader(cut)).toEqual({ error: true });
        expect(await viaXml2js(cut)).toEqual({ error: true });
      }),
      { numRuns: 300 },
    );
  });

  it("matches xml2js on hand-picked edge cases", async () => {
    const cases = [
      '<?xml version="1.0"?><R><Key> a b </Key><C><P>x</P></C><C><P>y</P></C><E/></R>',
      "<R> <A>1</A> </R>",
      "<R><A> </A><B></B><C>0012</C></R>",
      "<R><A>x<B>y</B>z</A></R>",
      "<R><A><![CDATA[ ]]></A></R>",
      "<R>&#65;&#x42;&lt;&amp;&apos;&quot;&gt;</R>",
      "\ufeff<R>1</R>",
      "<R>1</R> trailing",
      '<!DOCTYPE R [<!ENTITY e "x">]><R>1</R>',
      "<R ><A >1</A\n></R >",
      "<R/>",
      // Errors in both.
      "",
      "   ",
      "garbage",
      "<R><Key>",
      "<R><A></B></R>",
      "<R><AB>1</A></R>",
      "<R>&bogus;</R>",
      "<R>&#0;</R>",
      "<R>&amp</R>",
      "text<R/>",
      "<R><A/ ></R>",
    ];
    for (const xml of cases) expect([xml, viaReader(xml)]).toEqual([xml, await viaXml2js(xml)]);
  });

  it("keeps children named like Object.prototype members as plain keys", () => {
    const doc = readXml("<R><__proto__>x</__proto__><__proto__>y</__proto__><toString>1</toString><constructor/></R>")!;
    const value = doc.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(value, "__proto__")).toBe(true);
    expect(value["__proto__"]).toEqual(["x", "y"]);
    expect(value["toString"]).toBe("1");
    expect(value["constructor"]).toBe("");
  });
});

describe("parseXml", () => {
  it("reads a 1,000-entry listing like xml2js did", async () => {
    let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>b-1250000000</Name><IsTruncated>true</IsTruncated>';
    for (let i = 0; i < 1000; i++) {
      xml += `<Contents><Key>k%2F${i}</Key><ETag>&quot;${i}&quot;</ETag><Size>${i}</Size><Owner><ID>1</ID></Owner></Contents>`;
    }
    xml += "</ListBucketResult>";
    const doc = await parseXml(Buffer.from(xml));
    expect({ [doc.root]: doc.value }).toEqual(await xml2js.parseStringPromise(xml, XML2JS_OPTIONS));
  });

  it("reports a damaged or empty document as a retryable Unexpected error", async () => {
    await expect(parseXml("<R><Key>")).rejects.toMatchObject({ code: "Unexpected", retryable: true });
    await expect(parseXml('<?xml version="1.0"?>')).rejects.toMatchObject({ code: "Unexpected", retryable: true });
  });
});
