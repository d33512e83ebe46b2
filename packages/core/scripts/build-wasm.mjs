#!/usr/bin/env node
// Assembles core's WebAssembly modules with wabt (a devDependency of @stowage/core) and writes
// each as a base64 constant in a generated .ts, so neither builds nor run time need wabt
// (compiling text at run time costs ~150 ms):
//   wasm/crc64.wat (written by hand)                     → src/integrity/crc64-wasm-bytes.ts
//   wasm/md5-lanes.wat (written by scripts/md5-lanes-wat.mjs, which this runs first)
//                                                        → src/integrity/md5-lanes-wasm-bytes.ts
//
//   node packages/core/scripts/build-wasm.mjs          regenerate the .wat and .ts files
//   node packages/core/scripts/build-wasm.mjs --check  exit 1 if any of them is stale
//
// Commit the sources and the generated files together. The output is deterministic: the same
// sources and wabt version give the same files.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { md5LanesWat } from "./md5-lanes-wat.mjs";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoDir = join(pkgDir, "..", "..");
const check = process.argv.includes("--check");

const require = createRequire(import.meta.url);
const wabtVersion = require("wabt/package.json").version;
const wabt = await require("wabt")();

const modules = [
  { wat: "crc64.wat", out: "crc64-wasm-bytes.ts", prefix: "CRC64_WASM", what: "The CRC-64/XZ WebAssembly module" },
  { wat: "md5-lanes.wat", out: "md5-lanes-wasm-bytes.ts", prefix: "MD5_LANES_WASM", what: "The multi-message MD5 WebAssembly SIMD module", generate: md5LanesWat },
];

let stale = false;
for (const m of modules) {
  const watPath = join(pkgDir, "wasm", m.wat);
  if (m.generate) emit(watPath, m.generate());
  const source = readFileSync(watPath, "utf8");
  emit(join(pkgDir, "src", "integrity", m.out), bytesModule(m, source, assemble(m.wat, source)));
}
if (stale) process.exit(1);

function assemble(name, source) {
  const module = wabt.parseWat(name, source, { simd: true });
  let bytes;
  try {
    module.resolveNames();
    module.validate();
    bytes = Buffer.from(module.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
  // Instantiate once here so a broken module fails the build, not the first upload.
  new WebAssembly.Instance(new WebAssembly.Module(bytes));
  return bytes;
}

function bytesModule(m, source, bytes) {
  // Line endings are normalised so a CRLF checkout hashes the same.
  const sourceSha256 = createHash("sha256").update(source.replace(/\r\n/g, "\n")).digest("hex");
  const lines = bytes.toString("base64").match(/.{1,96}/g) ?? [];
  return `// GENERATED FILE, DO NOT EDIT.
// Built from packages/core/wasm/${m.wat} by packages/core/scripts/build-wasm.mjs
// (wabt ${wabtVersion}). To change the module, edit its source, run
//   node packages/core/scripts/build-wasm.mjs
// and commit the results.

/** SHA-256 (hex) of the ${m.wat} text (LF line endings) these bytes were assembled from. */
export const ${m.prefix}_SOURCE_SHA256 = "${sourceSha256}";

/** ${m.what} (${bytes.length} bytes), base64. */
export const ${m.prefix}_BASE64 = [
${lines.map((l) => `  "${l}",`).join("\n")}
].join("");
`;
}

function emit(path, text) {
  const rel = relative(repoDir, path);
  if (!check) {
    writeFileSync(path, text);
    console.log(`wrote ${rel}`);
    return;
  }
  let current = "";
  try {
    current = readFileSync(path, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current === text) {
    console.log(`${rel} is up to date`);
  } else {
    console.error(`${rel} is stale: run node packages/core/scripts/build-wasm.mjs`);
    stale = true;
  }
}
