// Node module hooks (module.register) that let a child process of a test run the workspace's
// TypeScript sources as they are, as jest does: `@stowage/<pkg>` resolves to packages/<pkg>/src,
// `./x.js` imported from a .ts file to `./x.ts` when that exists, and .ts files are compiled by swc.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transformSync } from "@swc/core";

const packages = new URL("../../../", import.meta.url);

export async function resolve(specifier, context, next) {
  const pkg = /^@stowage\/([a-z-]+)$/.exec(specifier);
  if (pkg) return { url: new URL(`${pkg[1]}/src/index.ts`, packages).href, shortCircuit: true };
  if (context.parentURL?.endsWith(".ts") && /^\.{1,2}\/.*\.js$/.test(specifier)) {
    const ts = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = transformSync(readFileSync(filename, "utf8"), {
    filename,
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "es6" },
    sourceMaps: "inline",
  });
  return { format: "module", source: code, shortCircuit: true };
}
