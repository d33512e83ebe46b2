#!/usr/bin/env node
// Type-checks the TypeScript snippets of the documentation as a strict user compiles them: every
// ```ts block of README.md, docs/**/*.md (docs/api aside) and packages/*/README.md becomes an ES
// module (.mts) importing the built packages (dist/*.d.ts, through their package.json exports),
// compiled with strict and exactOptionalPropertyTypes. Run after `tsc -b` (`pnpm test` does):
//   node scripts/check-doc-snippets.mjs [file.md ...]
//
// The convention (see CONTRIBUTING.md):
// - A ```ts block compiles as it stands, each in a module of its own (top-level await allowed).
// - A fragment that uses names it does not define (a `store`, a `tarball`) gets a hidden prelude
//   right above the block (no blank line between): a line `<!-- ts-prelude`, the code to put
//   before the block's (imports, `declare const store: Storager;`), a line `-->`. An HTML comment,
//   it does not render on GitHub, npm or the API site.
// - ```ts no-check marks a block that is not TypeScript meant to compile (a template with
//   <placeholders>, another SDK's CommonJS set-up); it is skipped and counted.
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const PRELUDE_START = "<!-- ts-prelude";

/** The Markdown files whose snippets are checked (all of them unless files are named). */
function documents(args) {
  if (args.length > 0) return args.map((a) => resolve(a));
  const out = [join(root, "README.md")];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== join(root, "docs", "api")) walk(p);
      } else if (e.name.endsWith(".md")) out.push(p);
    }
  };
  walk(join(root, "docs"));
  for (const pkg of readdirSync(join(root, "packages")).sort()) {
    const readme = join(root, "packages", pkg, "README.md");
    if (existsSync(readme)) out.push(readme);
  }
  return out;
}

/**
 * The ```ts blocks of one document (`found`): their code, the line (1-based) of their first code
 * line, the prelude above them (and its first line) and whether they are marked no-check; and the
 * lines of the `<!-- ts-prelude` comments no block takes (`stray`).
 */
function snippets(file) {
  const lines = readFileSync(file, "utf8").split("\n");
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const closes = (l) => l.trim().length >= fence.length && new RegExp(`^ {0,3}\\${fence[0]}+\\s*$`).test(l);
    let end = i + 1;
    while (end < lines.length && !closes(lines[end])) end++;
    if (lang === "ts" || lang === "typescript") {
      const flags = rest.split(/\s+/).filter(Boolean);
      const code = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
      found.push({ line: i + 2, code, ...prelude(lines, i), noCheck: flags.includes("no-check") });
    }
    i = end;
  }
  // A prelude that no block takes (a blank line between, a malformed end) would be dropped silently.
  const used = new Set(found.map((f) => f.preludeLine - 1));
  const stray = lines.flatMap((l, n) => (l.trim() === PRELUDE_START && !used.has(n + 1) ? [n + 1] : []));
  return { found, stray };
}

/**
 * The prelude right above the fence at `fenceIndex`: a `<!-- ts-prelude` line, code lines, a `-->`
 * line, the last one just above the fence. Its code lines and the line (1-based) of the first.
 */
function prelude(lines, fenceIndex) {
  const above = fenceIndex - 1;
  if (above < 0 || lines[above].trim() !== "-->") return { prelude: [], preludeLine: 0 };
  let start = above - 1;
  while (start >= 0 && !lines[start].includes("<!--") && !lines[start].includes("-->")) start--;
  if (start < 0 || lines[start].trim() !== PRELUDE_START) return { prelude: [], preludeLine: 0 };
  return { prelude: lines.slice(start + 1, above), preludeLine: start + 2 };
}

/** A temporary project whose node_modules links every workspace package (as a user installs them). */
function project() {
  const dir = mkdtempSync(join(tmpdir(), "stowage-doc-snippets-"));
  mkdirSync(join(dir, "node_modules", "@stowage"), { recursive: true });
  for (const pkg of readdirSync(join(root, "packages"))) {
    const manifest = join(root, "packages", pkg, "package.json");
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, "utf8"));
    if (!name?.startsWith("@stowage/")) continue;
    symlinkSync(join(root, "packages", pkg), join(dir, "node_modules", name), "dir");
  }
  // The root's dev dependencies a snippet may use (@types/node, @jest/globals).
  for (const scope of ["@types", "@jest"]) symlinkSync(join(root, "node_modules", scope), join(dir, "node_modules", scope), "dir");
  return dir;
}

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  strict: true,
  exactOptionalPropertyTypes: true,
  noEmit: true,
  skipLibCheck: true, // the declarations themselves are checked by tsconfig.consumer.json
  types: ["node"],
};

if (!existsSync(join(root, "packages", "core", "dist", "index.d.ts"))) {
  console.error("check-doc-snippets: packages/core/dist is missing: build first (pnpm build)");
  process.exit(1);
}
const dir = project();
try {
  const sources = new Map(); // snippet file → { doc, line, preludeLines }
  let skipped = 0;
  const problems = [];
  for (const doc of documents(process.argv.slice(2))) {
    const { found, stray } = snippets(doc);
    for (const line of stray) problems.push(`${relative(root, doc)}:${line}: a ts-prelude must end with a line \`-->\` right above a \`\`\`ts block`);
    for (const s of found) {
      if (s.noCheck) {
        skipped++;
        continue;
      }
      const name = `${relative(root, doc).replace(/[^A-Za-z0-9]+/g, "_")}_L${s.line}.mts`;
      writeFileSync(join(dir, name), [...s.prelude, ...s.code, ""].join("\n"));
      sources.set(join(dir, name), { doc: relative(root, doc), line: s.line, preludeLines: s.prelude.length, preludeLine: s.preludeLine });
    }
  }
  const program = ts.createProgram({ rootNames: [...sources.keys()], options: { ...compilerOptions, typeRoots: [join(dir, "node_modules", "@types")] } });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  for (const d of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
    const where = d.file && sources.get(resolve(d.file.fileName));
    if (d.file && d.start !== undefined && where) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      const at = line < where.preludeLines
        ? `${where.doc}:${where.preludeLine + line}:${character + 1} (ts-prelude)`
        : `${where.doc}:${where.line + line - where.preludeLines}:${character + 1}`;
      console.error(`${at}: TS${d.code}: ${message}`);
    } else {
      console.error(`${d.file ? d.file.fileName : "(options)"}: TS${d.code}: ${message}`);
    }
  }
  for (const p of problems) console.error(p);
  const summary = `${sources.size} snippets checked, ${skipped} marked no-check`;
  const errors = diagnostics.length + problems.length;
  if (errors > 0) {
    console.error(`check-doc-snippets: ${errors} errors; ${summary}`);
    process.exitCode = 1;
  } else {
    console.log(`check-doc-snippets: ${summary}, no errors`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
