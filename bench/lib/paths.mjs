// Where the bench finds the workspace's built packages and the SDK.
// Run `tsc -b` first (`pnpm bench` does). Every path is relative to this file.

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The repository root (a directory URL). */
export const ROOT = new URL("../../", import.meta.url);

/** Absolute path of a file under the repository root. */
export function rootPath(relative) {
  return fileURLToPath(new URL(relative, ROOT));
}

/** Imports a built workspace package by its dist entry, with a hint when it was not built. */
export async function importDist(pkg) {
  const url = new URL(`packages/${pkg}/dist/index.js`, ROOT);
  try {
    return await import(url.href);
  } catch (e) {
    throw new Error(`cannot load packages/${pkg}/dist/index.js (run \`npx tsc -b\` first): ${e.message}`);
  }
}

/** Loads cos-nodejs-sdk-v5, a devDependency of packages/cos (CommonJS). */
export function loadCosSdk() {
  const require = createRequire(new URL("packages/cos/package.json", ROOT));
  return require("cos-nodejs-sdk-v5");
}
