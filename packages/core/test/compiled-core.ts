import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformFileSync } from "@swc/core";

/**
 * Compiles the `dirs` of src (default src/integrity, src/io and src/errors) to plain ESM in a temp
 * directory (as tsc does for dist/), writes `script` next to them as main.mjs (it imports e.g.
 * "./integrity/hash-pool.js") and runs it in a fresh node process with `nodeArgs`, killed after
 * `timeout` ms (then `signal` is set); the directory is removed afterwards.
 */
export function runCompiled(script: string, nodeArgs: string[] = [], timeout = 60_000, dirs: readonly string[] = ["integrity", "io", "errors"]): SpawnSyncReturns<string> {
  const src = fileURLToPath(new URL("../src/", import.meta.url));
  const out = mkdtempSync(join(tmpdir(), "stowage-compiled-"));
  try {
    for (const dir of dirs) {
      mkdirSync(join(out, dir), { recursive: true });
      for (const file of readdirSync(join(src, dir)).filter((f) => f.endsWith(".ts"))) {
        const { code } = transformFileSync(join(src, dir, file), { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "es6" } });
        writeFileSync(join(out, dir, file.replace(/\.ts$/, ".js")), code);
      }
    }
    writeFileSync(join(out, "package.json"), '{ "type": "module" }');
    writeFileSync(join(out, "main.mjs"), script);
    return spawnSync(process.execPath, [...nodeArgs, join(out, "main.mjs")], { encoding: "utf8", timeout });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
