import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { embedPairsTable, globalPairs, renderPairsTable } from "@stowage/core";

describe("docs/pairs.md", () => {
  it("embeds the global pairs table exactly as the definitions render it (run scripts/gen-docs.mjs)", () => {
    const doc = readFileSync(new URL("../../../docs/pairs.md", import.meta.url), "utf8");
    expect(embedPairsTable(doc, "global", renderPairsTable(globalPairs))).toBe(doc);
    for (const def of Object.values(globalPairs)) expect(doc).toContain(`\`${def.name}\``);
  });

  it("renderPairsTable lists defaults, requirements and features", () => {
    const table = renderPairsTable(globalPairs);
    expect(table).toContain("`default_content_type`");
    expect(table).toContain("required by presign");
    expect(table).toContain("needs feature `userMetadata`");
  });
});

describe("embedPairsTable", () => {
  it("refuses a document without the markers instead of passing it through", () => {
    expect(() => embedPairsTable("# no markers here\n", "global", "| table |")).toThrow(/pairs:global:start/);
  });
});
