#!/usr/bin/env node
/**
 * End-to-end demo of the `stowage` CLI, offline. Builds a sample folder, then:
 *   1. starts a local COS emulator, syncs the folder into it through a
 *      connection string with progress shown, lists it, verifies it, and syncs
 *      it on to an fs storage through a profile (twice: the second run copies
 *      nothing);
 *   2. copies fs → fs server-side and totals it;
 *   3. does the same through a memory storage (in one process, as memory
 *      storages live in the process that opened them).
 * Exits non-zero if any step fails. `--keep` keeps the temp directory.
 *
 * Runs in a checkout of the repository (it is not published with @stowage/cli):
 *   pnpm start        at the repository root (or: node packages/cli/scripts/demo.mjs after pnpm build)
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cliDir = join(here, "..");
const bin = join(cliDir, "dist", "bin.js");
if (!existsSync(bin)) {
  console.error("demo: build first (pnpm build at the repository root)");
  process.exit(1);
}
const keep = process.argv.includes("--keep");
const work = await mkdtemp(join(tmpdir(), "stowage-demo-"));
const env = { ...process.env, STOWAGE_STATE_DIR: join(work, ".state"), STOWAGE_CONFIG: join(work, "profiles.json") };
let failed = false;

/** Prints and runs one `stowage` command line in the work directory, output straight to the terminal. */
async function stowage(args, shownArgs = args) {
  const shown = shownArgs.map((a) => (/[\s*?]/.test(a) ? `'${a}'` : a)).join(" ").replaceAll(work, "$WORK");
  console.log(`\n$ stowage ${shown}`);
  // Asynchronous: the emulator answers from this very process while the command runs.
  const child = spawn(process.execPath, [bin, ...args], { cwd: work, env, stdio: "inherit" });
  const status = await new Promise((resolve) => child.on("close", resolve));
  if (status !== 0) {
    console.log(`  ^ exited ${status}`);
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

  console.log("\n== 1. a local COS emulator: sync in through a connection string, list, verify, sync on to fs ==");
  const { startEmulator } = await import(pathToFileURL(join(cliDir, "..", "emulator", "dist", "index.js")).href);
  const emu = await startEmulator({ provider: "cos", buckets: ["demo-1250000000"] });
  try {
    const conn = emu.connectionString("demo-1250000000", "/site/");
    const shownConn = conn.replace(/credential=[^&]*/, "credential=hmac:<ak>:<sk>");
    console.log(`emulator listening at ${emu.endpoint}`);
    await stowage(
      ["sync", "sample/", conn, "--exclude", "*.tmp", "--part-size", "2M", "--bwlimit", "16M", "--progress-interval", "0.5"],
      ["sync", "sample/", shownConn, "--exclude", "*.tmp", "--part-size", "2M", "--bwlimit", "16M", "--progress-interval", "0.5"],
    );
    // Secrets stay out of shell history: later commands name a profile instead.
    await writeFile(env.STOWAGE_CONFIG, JSON.stringify({ profiles: { emu: conn } }, null, 2), { mode: 0o600 }); // it holds a credential: readable by the owner only
    console.log(`\nprofiles.json: { "profiles": { "emu": "${shownConn}" } }`);
    await stowage(["ls", "-lr", "--human", "emu:"]);
    await stowage(["verify", "--exclude", "*.tmp", "sample/", "emu:"]);
    await stowage(["sync", "emu:", `fs://${work}/store-a/`]);
    await stowage(["sync", "emu:", `fs://${work}/store-a/`]);
    await stowage(["verify", "emu:", `fs://${work}/store-a/`]);
  } finally {
    await emu.stop();
  }

  console.log("\n== 2. on to a second fs storage (server-side copy: same account), then totals ==");
  await stowage(["sync", `fs://${work}/store-a/`, `fs://${work}/store-b/`]);
  await stowage(["du", "--human", "-d", "1", `fs://${work}/store-b/`]);

  console.log("\n== 3. through a memory storage (one process: the programmatic API, main(argv)) ==");
  const { main } = await import(pathToFileURL(join(cliDir, "dist", "index.js")).href);
  for (const argv of [
    ["sync", "sample/", "memory://demo/site/", "--exclude", "*.tmp"],
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
  console.log(failed ? "\ndemo: FAILED (see above)" : "\ndemo: every step succeeded");
} finally {
  if (keep) console.log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
