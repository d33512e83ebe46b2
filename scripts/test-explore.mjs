/**
 * Runs the property tests (the spec files that import fast-check, and those that run the behaviour
 * suite's model test, `runModelSuite`, which draws through fast-check too) with new random inputs,
 * as many rounds as asked (`pnpm run test:explore [rounds]`, 1 by default), and stops at the first
 * round that fails: fast-check prints the seed and the counterexample to replay (`STOWAGE_FC_SEED=<seed>
 * node --experimental-vm-modules node_modules/jest/bin/jest.js <file>`; jest needs the flag, as
 * `pnpm test` gives it), or to keep as an `examples` entry. `pnpm test` itself draws from a fixed
 * seed (scripts/jest-fast-check-seed.mjs).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const rounds = Number(process.argv[2] ?? "1");
if (!Number.isSafeInteger(rounds) || rounds < 1) {
  console.error(`usage: test-explore.mjs [rounds]: rounds must be a positive integer, not ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}

/** The spec files under packages/<name>/test that import fast-check or run the model suite. */
function propertySpecs() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".spec.ts") && /from "fast-check"|runModelSuite\(/.test(readFileSync(path, "utf8"))) found.push(path);
    }
  };
  for (const pkg of readdirSync("packages")) {
    const test = join("packages", pkg, "test");
    try {
      walk(test);
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
  }
  return found.sort();
}

const specs = propertySpecs();
console.log(`${specs.length} property spec files, ${rounds} round(s) with random seeds`);
for (let round = 1; round <= rounds; round++) {
  const jest = spawnSync(
    process.execPath,
    ["--experimental-vm-modules", "--no-warnings=ExperimentalWarning", "node_modules/jest/bin/jest.js", "--silent", ...specs],
    { stdio: "inherit", env: { ...process.env, STOWAGE_FC_SEED: "random" } },
  );
  if (jest.status !== 0) {
    console.error(`round ${round} of ${rounds} failed (exit ${jest.status ?? jest.signal})`);
    process.exit(1);
  }
  console.log(`round ${round} of ${rounds} passed`);
}
