import { describe, expect, it } from "@jest/globals";
import { readFileSync, statSync } from "node:fs";

// What the published package.json of every public package must say (checked on the sources,
// since pnpm pack copies them except for workspace: ranges).
const PUBLIC = ["core", "memory", "fs", "cos", "oss", "qingstor", "emulator", "cli"];
const root = new URL("../../../", import.meta.url);

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  exports?: Record<string, Record<string, string>>;
  files?: string[];
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}

interface TsConfig {
  extends?: string;
  compilerOptions: Record<string, unknown>;
  include?: string[];
}

const base = JSON.parse(readFileSync(new URL("tsconfig.base.json", root), "utf8")) as TsConfig;

function manifest(pkg: string): Manifest {
  return JSON.parse(readFileSync(new URL(`packages/${pkg}/package.json`, root), "utf8")) as Manifest;
}

describe.each(PUBLIC)("packages/%s/package.json", (pkg) => {
  const m = manifest(pkg);

  it("is public", () => {
    expect(m.private).toBeUndefined();
    expect(m.name).toBe(`@stowage/${pkg}`);
  });

  it("exports types first, then import and a default that require() (Node's require(esm)) takes", () => {
    const dot = m.exports?.["."];
    expect(dot).toBeDefined();
    expect(Object.keys(dot ?? {})).toEqual(["types", "import", "default"]);
    expect(dot?.default).toBe(dot?.import);
  });

  it("builds from a clean dist before it is packed", () => {
    expect(m.scripts?.prepack).toBe("node ../../scripts/clean-dist.mjs && tsc -b");
    for (const name of ["prepare", "preinstall", "install", "postinstall"]) expect(m.scripts?.[name]).toBeUndefined();
  });

  it("ships dist, src, README.md and LICENSE only (and bin, for a command); its LICENSE is the repository's", () => {
    expect(m.files).toEqual([...(m.bin === undefined ? [] : ["bin"]), "dist", "src", "README.md", "LICENSE"]);
    expect(m.license).toBe("Apache-2.0");
    const license = readFileSync(new URL(`packages/${pkg}/LICENSE`, root), "utf8");
    expect(license).toBe(readFileSync(new URL("LICENSE", root), "utf8"));
    expect(license).toContain("Apache License\n                           Version 2.0, January 2004");
  });

  it("links each command to an executable file of bin/ that exists before the build (it imports dist)", () => {
    for (const [command, file] of Object.entries(m.bin ?? {})) {
      expect(file).toBe(`bin/${command}.js`);
      const text = readFileSync(new URL(`packages/${pkg}/${file}`, root), "utf8");
      expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true);
      // A static import, or a dynamic one (the CLI's launcher loads its modules first: bin/stowage.js).
      expect(text).toMatch(/^(?:import "\.\.\/dist\/[a-z-]+\.js"|\s*await import\("\.\.\/dist\/[a-z-]+\.js"\));$/m);
      expect(statSync(new URL(`packages/${pkg}/${file}`, root)).mode & 0o111).toBe(0o111);
    }
  });

  it("builds dist from src with source and declaration maps, whose ../src paths resolve in the tarball (src is shipped)", () => {
    const tsconfig = JSON.parse(readFileSync(new URL(`packages/${pkg}/tsconfig.json`, root), "utf8")) as TsConfig;
    expect(tsconfig.extends).toBe("../../tsconfig.base.json");
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: "src", outDir: "dist" });
    expect(tsconfig.include).toEqual(["src/**/*.ts"]);
    expect(base.compilerOptions).toMatchObject({ sourceMap: true, declarationMap: true });
    for (const option of ["inlineSourceMap", "sourceRoot", "mapRoot"]) expect(base.compilerOptions[option]).toBeUndefined();
    expect(m.files).toContain("src");
  });

  it("depends on the other public packages by a caret range (packed as ^version)", () => {
    for (const [name, range] of Object.entries(m.dependencies ?? {})) {
      if (name.startsWith("@stowage/")) expect([name, range]).toEqual([name, "workspace:^"]);
    }
  });
});
