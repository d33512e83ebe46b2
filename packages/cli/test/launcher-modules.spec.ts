/**
 * bin/stowage.js (the command package managers link) loads the CLI's modules one file at a time
 * before it imports dist/bin.js (open-files-limit.spec.ts says why): its `MODULES` list, written by
 * hand, must be exactly dist/bin.js's own static imports (dist/bin.js awaits at its top level, so it
 * cannot be required itself). A command module imported by dist/bin.js and left out of the list
 * would be loaded by the import, all at once again, and nothing else would say so.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";
import { ensureBuilt, ROOT } from "./helpers.js";

const LAUNCHER = resolve(ROOT, "packages/cli/bin/stowage.js");
const DIST = resolve(ROOT, "packages/cli/dist");

/** The launcher's `MODULES`, as absolute paths. */
function launcherModules(): string[] {
  const text = readFileSync(LAUNCHER, "utf8");
  const list = /^const MODULES = (\[[^\]]*\]);$/m.exec(text);
  if (list === null) throw new Error("bin/stowage.js has no `const MODULES = [...];` line");
  return (JSON.parse(list[1]!) as string[]).map((m) => resolve(dirname(LAUNCHER), m));
}

/** The relative specifiers of `file`'s static imports and re-exports (what the loader reads before it runs), as absolute paths. */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const out: string[] = [];
  for (const s of source.statements) {
    const specifier = ts.isImportDeclaration(s) || ts.isExportDeclaration(s) ? s.moduleSpecifier : undefined;
    if (specifier !== undefined && ts.isStringLiteral(specifier) && /^\.\.?\//.test(specifier.text)) out.push(resolve(dirname(file), specifier.text));
  }
  return out;
}

/** The CLI's dist files reachable from `roots` through static relative imports (the roots included). */
function reachable(roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of staticImports(file)) visit(next);
  };
  roots.forEach(visit);
  return seen;
}

const shown = (files: Iterable<string>): string[] => [...files].map((f) => relative(DIST, f)).sort();

beforeAll(() => {
  ensureBuilt();
}, 600_000);

describe("bin/stowage.js's MODULES", () => {
  it("are exactly dist/bin.js's own static imports, each once, each built", () => {
    const modules = launcherModules();
    expect(new Set(modules).size).toBe(modules.length);
    expect(shown(modules)).toEqual(shown(new Set(staticImports(resolve(DIST, "bin.js")))));
    for (const m of modules) expect(existsSync(m)).toBe(true);
  });

  it("reach every module dist/bin.js reaches through static imports, but dist/bin.js itself", () => {
    const all = reachable([resolve(DIST, "bin.js")]);
    all.delete(resolve(DIST, "bin.js"));
    // The CLI's commands, transfers and output: not a handful of files.
    expect(all.size).toBeGreaterThan(50);
    expect(shown(reachable(launcherModules()))).toEqual(shown(all));
  });

  it("can each be required where Node requires ES modules (none awaits at its top level)", () => {
    // The launcher's own way, in a process of its own (jest's process runs with --experimental-vm-modules);
    // a failure there is swallowed by the launcher (the import then loads the modules all at once), so
    // it is looked for here.
    const script = [
      `import { createRequire } from "node:module";`,
      `if (process.features.require_module !== true) { process.stdout.write("unsupported"); process.exit(0); }`,
      `const require = createRequire(${JSON.stringify(LAUNCHER)});`,
      `for (const m of ${JSON.stringify(launcherModules())}) require(m);`,
      `process.stdout.write("loaded");`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    if (r.stdout === "unsupported") return;
    expect(r.stdout).toBe("loaded");
  });
});
