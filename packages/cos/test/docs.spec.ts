import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { embedPairsTable, renderPairsTable } from "@stowage/core";
import { COS_ERROR_CODES, cosPairs } from "../src/index.js";

const doc = (): string => readFileSync(new URL("../../../docs/services/cos.md", import.meta.url), "utf8");

describe("docs/services/cos.md", () => {
  it("embeds the COS pairs table exactly as the definitions render it", () => {
    const text = doc();
    const table = renderPairsTable(cosPairs);
    expect(embedPairsTable(text, "cos", table)).toBe(text);
  });

  it("lists every COS error code of the mapping table", () => {
    const text = doc();
    for (const [cos, code] of Object.entries(COS_ERROR_CODES)) expect(text).toContain(`| \`${cos}\` | \`${code}\` |`);
  });
});
