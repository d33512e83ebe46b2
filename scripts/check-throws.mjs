#!/usr/bin/env node
// Checks the project rule "TSDoc on every export with the error codes it can throw": every
// function, and every public constructor and method of a class, that a package exports from its
// src/index.ts (its public API, re-exports followed) has a `@throws` line (`@throws nothing` where
// it cannot throw). Lists the ones without and exits 1. Reads sources only; no build needed.
//   node scripts/check-throws.mjs
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../", import.meta.url));
const packages = readdirSync(`${root}packages`).filter((p) => !["behavior-tests", "examples"].includes(p));

/** The TSDoc of `node` as text (comments and tags). */
function docOf(node) {
  return ts.getJSDocCommentsAndTags(node).map((d) => d.getText()).join("\n");
}

const missing = [];
for (const pkg of packages) {
  const entry = `${root}packages/${pkg}/src/index.ts`;
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (source === undefined) continue;
  for (let symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(source))) {
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    for (const decl of symbol.declarations ?? []) {
      const file = decl.getSourceFile().fileName;
      if (!file.includes(`/packages/${pkg}/src/`)) continue;
      const where = file.slice(file.indexOf("/packages/") + 1);
      if (ts.isFunctionDeclaration(decl) && !/@throws/.test(docOf(decl))) missing.push(`${where}: function ${symbol.name}`);
      if (!ts.isClassDeclaration(decl)) continue;
      for (const member of decl.members) {
        if (!ts.isMethodDeclaration(member) && !ts.isConstructorDeclaration(member)) continue;
        if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
        if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) continue;
        if (!/@throws/.test(docOf(member))) missing.push(`${where}: ${symbol.name}.${member.name?.getText() ?? "constructor"}`);
      }
    }
  }
}
if (missing.length > 0) {
  console.error(`check-throws: ${missing.length} exported function(s) or method(s) without a @throws line in their TSDoc:`);
  for (const m of missing) console.error(`  ${m}`);
  process.exit(1);
}
console.log(`check-throws: every exported function and public method of ${packages.length} packages says what it throws`);
