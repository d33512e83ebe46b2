import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { embedPairsTable, renderPairsTable } from "@stowage/core";
import { OSS_ERROR_CODES, ossPairs } from "../src/index.js";

const doc = (): string => readFileSync(new URL("../../../docs/services/oss.md", import.meta.url), "utf8");

describe("docs/services/oss.md", () => {
  it("embeds the OSS pairs table exactly as the definitions render it", () => {
    const text = doc();
    expect(text).toContain("<!-- pairs:oss:start -->");
    expect(embedPairsTable(text, "oss", renderPairsTable(ossPairs))).toBe(text);
  });

  it("lists every OSS error code of the mapping table", () => {
    const text = doc();
    for (const [oss, code] of Object.entries(OSS_ERROR_CODES)) expect(text).toContain(`| \`${oss}\` | \`${code}\` |`);
  });

  it("documents every pair of the driver", () => {
    const text = doc();
    for (const def of Object.values(ossPairs)) expect(text).toContain(`\`${def.name}\``);
  });
});
