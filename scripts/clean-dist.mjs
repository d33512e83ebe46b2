#!/usr/bin/env node
// Removes the dist/ directory and tsconfig.tsbuildinfo of the package in the current directory.
// Each public package's `prepack` runs it before `tsc -b`, so a tarball holds exactly the build of
// the current sources: `tsc -b` alone never deletes the output of a source that was removed.
import { existsSync, rmSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";

const dir = process.cwd();
if (basename(dirname(dir)) !== "packages" || !existsSync(resolve(dir, "package.json")) || !existsSync(resolve(dir, "tsconfig.json"))) {
  console.error(`clean-dist: ${dir} is not a package directory (packages/<name> with package.json and tsconfig.json)`);
  process.exit(1);
}
for (const name of ["dist", "tsconfig.tsbuildinfo"]) rmSync(resolve(dir, name), { recursive: true, force: true });
