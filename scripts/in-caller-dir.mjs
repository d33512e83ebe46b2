#!/usr/bin/env node
// `pnpm stowage ...` and `pnpm emulator ...` in a checkout: pnpm runs scripts in the repository
// root, so this runs the command's bin (its path relative to the root) from the directory the
// command was typed in (pnpm's INIT_CWD), where its relative paths must point.
//   node scripts/in-caller-dir.mjs <bin, relative to the root> [args...]
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [bin, ...args] = process.argv.slice(2);
if (bin === undefined) {
  console.error("usage: node scripts/in-caller-dir.mjs <bin> [args...]");
  process.exit(2);
}
const file = resolve(bin);
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
process.argv = [process.argv[0], file, ...args];
await import(pathToFileURL(file).href);
