#!/usr/bin/env node
/**
 * End-to-end demo of the `stowage` CLI, offline. Builds a sample folder, then:
 *   1. syncs it into an fs storage through a connection string, progress shown;
 *   2. lists it, verifies it, syncs it on to a second fs storage (twice: the
 *      second run copies nothing) and totals it;
 *   3. does the same through a memory storage (in one process, as memory
 *      storages live in the process that opened them);
 *   4. when the COS driver and the emulator are built, the same against a
 *      local COS emulator through a profile.
 * Exits non-zero if any step fails. `--keep` keeps the temp directory.
 *
 *   pnpm --filter @stowage/cli demo        (or: node packages/cli/scripts/demo.mjs after a build)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cliDir = join(here, "..");
const bin = join(cliDir, "dist", "bin.js");
if (!existsSync(bin)) {
  console.error("demo: build first (pnpm -r build, or npx tsc -b packages/cli)");
  process.exit(1);
}
const keep = process.argv.includes("--keep");
const work = await mkdtemp(join(tmpdir(), "stowage-demo-"));
const env = { ...process.env, STOWAGE_STATE_DIR: join(work, ".state"), STOWAGE_CONFIG: join(work, "profiles.json") };
let failed = false;

/** Prints and runs one `stowage` command line in the work directory, output straight to the terminal. */
function stowage(args, extraEnv = {}) {
  const shown = args.map((a) => (/[\s*?]/.test(a) ? `'${a}'` : a)).join(" ").replaceAll(work, "$WORK");
  console.log(`\n$ stowage ${shown}`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, env: { ...env, ...extraEnv }, stdio: "inherit" });
  if (r.status !== 0) {
    console.log(`  ^ exited ${r.status}`);
    failed = true;
  }
}

/** A small website-like sample: text, a few images and one 12 MiB file that goes in parts. */
async function makeSample(dir) {
  const files = {
    "index.html": "<!doctype html><title>Stowage demo</title><h1>Hello</h1>\n",
    "about/index.html": "<h1>About</h1>\n",
    "css/site.css": "body { font-family: sans-serif }\n",
    "js/app.js": "console.log('hi')\n",
    "notes/todo.tmp": "scratch, excluded by --exclude '*.tmp'\n",
  };
  for (let i = 1; i <= 12; i++) files[`img/photo-${String(i).padStart(2, "0")}.jpg`] = Buffer.alloc(150_000 + i * 1000, i);
  files["video/intro.bin"] = Buffer.alloc(12 * 1024 * 1024, 7);
  for (const [path, body] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  }
  return Object.keys(files).length;
}

try {
  const count = await makeSample(join(work, "sample"));
  console.log(`Stowage CLI demo — work directory $WORK = ${work}`);
  console.log(`sample/: ${count} files, one of 12 MiB (large: sent in concurrent parts)`);

  console.log("\n== 1. sample/ → fs storage, with progress (bars on a terminal, lines otherwise) ==");
  stowage(["sync", "sample/", `fs://${work}/store-a/`, "--exclude", "*.tmp", "--no-server-side", "--bwlimit", "8M", "--part-size", "2M", "--progress-interval", "0.5"]);
  stowage(["ls", "-lr", "--human", `fs://${work}/store-a/`]);
  stowage(["verify", "--exclude", "*.tmp", "sample/", `fs://${work}/store-a/`]);

  console.log("\n== 2. on to a second fs storage (server-side copy: same account), then again: nothing to do ==");
  stowage(["sync", `fs://${work}/store-a/`, `fs://${work}/store-b/`]);
  stowage(["sync", `fs://${work}/store-a/`, `fs://${work}/store-b/`]);
  stowage(["du", "--human", "-d", "1", `fs://${work}/store-b/`]);

  console.log("\n== 3. through a memory storage (one process: the programmatic API, main(argv)) ==");
  const { main } = await import(pathToFileURL(join(cliDir, "dist", "index.js")).href);
  for (const argv of [
    ["sync", "sample/", "memory://demo/site/", "--exclude", "*.tmp"],
    ["ls", "-l", "--human", "memory://demo/site/img/"],
    ["verify", "--exclude", "*.tmp", "sample/", "memory://demo/site/"],
    ["stat", "memory://demo/site/video/intro.bin"],
    ["sync", "memory://demo/site/", `fs://${work}/store-c/`],
    ["verify", `fs://${work}/store-b/`, `fs://${work}/store-c/`],
  ]) {
    console.log(`\n> stowage ${argv.join(" ").replaceAll(work, "$WORK")}`);
    const r = await main(argv, { env, cwd: work });
    process.stdout.write(r.stdout + r.stderr);
    if (r.code !== 0) {
      console.log(`  ^ exited ${r.code}`);
      failed = true;
    }
  }

  console.log("\n== 4. a local COS emulator ==");
  const emulatorEntry = join(cliDir, "..", "emulator", "dist", "index.js");
  const cosLinked = existsSync(join(cliDir, "node_modules", "@stowage", "cos", "package.json"));
  if (!existsSync(emulatorEntry) || !cosLinked) {
    console.log("skipped: needs the built emulator and @stowage/cos as a dependency of @stowage/cli");
  } else {
    const { startEmulator } = await import(pathToFileURL(emulatorEntry).href);
    const emu = await startEmulator({ provider: "cos", buckets: ["demo-1250000000"] });
    try {
      const profile = { STOWAGE_PROFILE_EMU: emu.connectionString("demo-1250000000", "/site/") };
      console.log("profile emu = cos://demo-1250000000/site/?credential=hmac:***&endpoint=... (from STOWAGE_PROFILE_EMU)");
      stowage(["sync", "sample/", "emu:", "--exclude", "*.tmp", "--progress-interval", "0.5"], profile);
      stowage(["ls", "-r", "emu:"], profile);
      stowage(["verify", "--exclude", "*.tmp", "sample/", "emu:"], profile);
      stowage(["sync", "emu:", `fs://${work}/store-d/`], profile);
    } finally {
      await emu.stop();
    }
  }
  console.log(failed ? "\ndemo: FAILED (see above)" : "\ndemo: every step succeeded");
} finally {
  if (keep) console.log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
