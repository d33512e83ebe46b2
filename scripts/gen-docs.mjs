#!/usr/bin/env node
// Regenerates the pair tables in docs/ and driver READMEs from the pair definitions.
// Run after `pnpm build`: `node scripts/gen-docs.mjs`. A test fails when they drift.
import { readFile, writeFile } from "node:fs/promises";
import { globalPairs, renderPairsTable, embedPairsTable } from "../packages/core/dist/index.js";

const targets = [["docs/pairs.md", "global", globalPairs]];
for (const [file, id, pairs] of targets) {
  const doc = await readFile(file, "utf8");
  const next = embedPairsTable(doc, id, renderPairsTable(pairs));
  if (next !== doc) {
    await writeFile(file, next);
    console.log(`updated ${file} (${id})`);
  }
}
