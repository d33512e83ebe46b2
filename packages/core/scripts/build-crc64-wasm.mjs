#!/usr/bin/env node
// Assembles packages/core/wasm/crc64.wat with wabt (a devDependency of @stowage/core) and
// writes packages/core/src/integrity/crc64-wasm-bytes.ts: the module as a base64 constant,
// so neither builds nor run time need wabt (compiling text at run time costs ~150 ms).
//
//   node packages/core/scripts/build-crc64-wasm.mjs          regenerate the .ts
//   node packages/core/scripts/build-crc64-wasm.mjs --check  exit 1 if the .ts is stale
//
// Commit the .wat and the generated .ts together. The output is deterministic: the same .wat
// and wabt version give the same file.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const watPath = join(pkgDir, "wasm", "crc64.wat");
const outPath = join(pkgDir, "src", "integrity", "crc64-wasm-bytes.ts");
const repoDir = join(pkgDir, "..", "..");
const check = process.argv.includes("--check");

const require = createRequire(import.meta.url);
const wabtVersion = require("wabt/package.json").version;
const wabt = await require("wabt")();

const source = readFileSync(watPath, "utf8");
const module = wabt.parseWat("crc64.wat", source);
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

// Line endings are normalised so a CRLF checkout hashes the same.
const sourceSha256 = createHash("sha256").update(source.replace(/\r\n/g, "\n")).digest("hex");
const base64 = bytes.toString("base64");
const lines = base64.match(/.{1,96}/g) ?? [];

const text = `// GENERATED FILE, DO NOT EDIT.
// Built from packages/core/wasm/crc64.wat by packages/core/scripts/build-crc64-wasm.mjs
// (wabt ${wabtVersion}). To change the module, edit the .wat, run
//   node packages/core/scripts/build-crc64-wasm.mjs
// and commit both files.

/** SHA-256 (hex) of the crc64.wat text (LF line endings) these bytes were assembled from. */
export const CRC64_WASM_SOURCE_SHA256 = "${sourceSha256}";

/** The CRC-64/XZ WebAssembly module (${bytes.length} bytes), base64. */
export const CRC64_WASM_BASE64 = [
${lines.map((l) => `  "${l}",`).join("\n")}
].join("");
`;

const rel = relative(repoDir, outPath);
if (check) {
  let current = "";
  try {
    current = readFileSync(outPath, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error(`${rel} is stale: run node packages/core/scripts/build-crc64-wasm.mjs`);
    process.exit(1);
  }
  console.log(`${rel} is up to date (${bytes.length} bytes of WebAssembly)`);
} else {
  writeFileSync(outPath, text);
  console.log(`wrote ${rel} (${bytes.length} bytes of WebAssembly)`);
}
