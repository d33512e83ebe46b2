/**
 * One jest config for the whole workspace. Tests run as native ESM
 * (node --experimental-vm-modules) with TypeScript transformed by swc, and
 * `@stowage/*` imports resolve to package sources. Specs that run a build
 * use dist: those spawning the CLI rebuild it first when a source is newer
 * (ensureBuilt in packages/cli/test/helpers.ts); the others (built drivers,
 * emulator and examples binaries, core's dist/errors) need `npx tsc -b` first,
 * which `pnpm test` runs.
 */
const swc = [
  "@swc/jest",
  {
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "es6" },
    sourceMaps: "inline",
  },
];

/** @type {import('jest').Config} */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: { "^.+\\.ts$": swc },
  moduleNameMapper: {
    "^@stowage/([a-z-]+)$": "<rootDir>/packages/$1/src/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  testMatch: ["<rootDir>/packages/*/test/**/*.spec.ts"],
  testTimeout: 60000,
  // fast-check draws from a fixed seed unless STOWAGE_FC_SEED says otherwise (see the file).
  setupFiles: ["<rootDir>/scripts/jest-fast-check-seed.mjs"],
  // One test file at a time still (2 cores: one worker), but in a worker process that is replaced
  // once it holds more than this after a file: run in the main process, the module registries of
  // 440 files grew past V8's heap limit (out of memory after 52 minutes, 2026-11-24).
  workerIdleMemoryLimit: "1536MB",
};
