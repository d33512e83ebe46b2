#!/usr/bin/env node
// The `stowage` command: the compiled CLI (dist/bin.js). This file exists before the build, so
// package managers can link the command when a checkout is installed.
//
// Node's ES module loader reads a module graph's files all at once: the CLI's ~300 files then
// take more descriptors than a low open-files limit allows (below about 170: a low hard limit, as
// some containers set; Node raises the soft one to it), and a read that fails with EMFILE surfaces
// as a stack trace ("Cannot find package"). Where Node can load ES modules synchronously (`require` of an ES module: Node 20.19+,
// 22.12+), the CLI's modules are loaded that way first, one file at a time, before anything else
// holds descriptors; the import below then finds them loaded. Elsewhere, or if that load fails, the
// import loads them as before, and a module that cannot be read is one line, not a stack trace.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

// dist/bin.js's own imports (it awaits at its top level, so it cannot be required itself).
const MODULES = ["../dist/errors.js", "../dist/program.js", "../dist/transfer/checkpoint-lock.js", "../dist/unlisted.js", "../dist/output.js"];

if (process.features.require_module === true) {
  // Some Node versions (22.12 to 23.x) warn of a require() of an ES module: that is this launcher's
  // doing, not the user's concern. Node's own printer is replaced until dist/bin.js installs its own
  // (the warning is emitted on the next tick, before dist/bin.js runs); any other warning goes to it.
  const printers = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (w) => {
    if (w.name === "ExperimentalWarning" && /\brequire\(\)|ES Module/i.test(w.message)) return;
    for (const print of printers) print(w);
  });
  try {
    const require = createRequire(import.meta.url);
    for (const module of MODULES) require(module);
  } catch {
    // The import below loads what is missing, or says why it cannot.
  }
}
try {
  await import("../dist/bin.js");
} catch (e) {
  // Only a module that could not be read is said in one line; anything else the command threw
  // (dist/bin.js runs it at its top level) stays Node's own report.
  const code = e?.code;
  if (code !== "EMFILE" && code !== "ENFILE" && code !== "ERR_MODULE_NOT_FOUND") throw e;
  if (!existsSync(new URL("../dist/bin.js", import.meta.url))) {
    process.stderr.write("stowage: the CLI is not built (dist/bin.js is missing): run `pnpm run build` (tsc -b) in the repository\n");
    process.exit(1);
  }
  const message = String(e instanceof Error ? e.message : e).split("\n")[0];
  process.stderr.write(
    `stowage: could not load the CLI's modules: ${message} (${code}); if the open-files limit is low (ulimit -n), raise it (to 1024, say) and run the command again\n`,
  );
  process.exit(1);
}
