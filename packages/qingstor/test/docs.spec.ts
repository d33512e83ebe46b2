import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { embedPairsTable, renderPairsTable } from "@stowage/core";
import { QINGSTOR_ERROR_CODES, qingstorPairs } from "../src/index.js";

const doc = (): string => readFileSync(new URL("../../../docs/services/qingstor.md", import.meta.url), "utf8");

describe("docs/services/qingstor.md", () => {
  it("embeds the QingStor pairs table exactly as the definitions render it", () => {
    const text = doc();
    expect(text).toContain("<!-- pairs:qingstor:start -->");
    expect(text).toContain("<!-- pairs:qingstor:end -->");
    expect(embedPairsTable(text, "qingstor", renderPairsTable(qingstorPairs))).toBe(text);
  });

  it("lists every QingStor error code of the mapping table", () => {
    const text = doc();
    for (const [qs, code] of Object.entries(QINGSTOR_ERROR_CODES)) expect(text).toContain(`| \`${qs}\` | \`${code}\` |`);
  });

  it("names every pair of the driver in the README", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const def of Object.values(qingstorPairs)) if (!def.name.startsWith("max_") && !def.name.startsWith("retry_") && !["request_timeout", "tls_ca"].includes(def.name)) expect(readme).toContain(def.name);
  });
});
