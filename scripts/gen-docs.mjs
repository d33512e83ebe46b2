#!/usr/bin/env node
// Regenerates the pair tables in docs/ from the pair definitions (global and each driver's).
// Run after `pnpm build`: `node scripts/gen-docs.mjs`. Docs tests fail when the tables drift.
import { readFile, writeFile } from "node:fs/promises";
import { globalPairs, renderPairsTable, embedPairsTable } from "../packages/core/dist/index.js";
import { cosPairs } from "../packages/cos/dist/index.js";
import { ossPairs } from "../packages/oss/dist/index.js";
import { qingstorPairs } from "../packages/qingstor/dist/index.js";

const targets = [
  ["docs/pairs.md", "global", globalPairs],
  ["docs/services/cos.md", "cos", cosPairs],
  ["docs/services/oss.md", "oss", ossPairs],
  ["docs/services/qingstor.md", "qingstor", qingstorPairs],
];
for (const [file, id, pairs] of targets) {
  const doc = await readFile(file, "utf8");
  const next = embedPairsTable(doc, id, renderPairsTable(pairs));
  if (next !== doc) {
    await writeFile(file, next);
    console.log(`updated ${file} (${id})`);
  }
}
