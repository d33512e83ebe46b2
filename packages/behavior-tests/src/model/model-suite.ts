import { describe, it } from "@jest/globals";
import fc from "fast-check";
import type { Storager } from "@stowage/core";
import { checkEverything, checkListings } from "./checks.js";
import { modelCommands } from "./command-arbitraries.js";
import { checkModelListings, rulesFor, type DriverRules } from "./model-rules.js";
import { StoreModel } from "./store-model.js";

export { rulesFor, type DriverRules } from "./model-rules.js";

/** Options of {@link runModelSuite}. */
export interface ModelSuiteOptions {
  /** Random runs (default 40). Under `pnpm test` the seed is fixed (scripts/jest-fast-check-seed.mjs; `pnpm run test:explore` draws new ones): a failure prints its seed and path to replay it. */
  numRuns?: number;
  /** Most operations per run (default 15). */
  maxCommands?: number;
  /** The storage's documented differences (default: {@link rulesFor} its `info.service`). */
  rules?: Readonly<DriverRules>;
  /** Jest timeout of the property, shrinking included (default 240 s; a passing run takes seconds). */
  timeout?: number;
}

/**
 * Registers a model-based property test as `describe(name)`: fast-check draws random sequences
 * of operations and runs each against the storager and an in-test model of what the storage
 * must hold ({@link StoreModel}). The operations: write (every body form, `createWriteStream`,
 * single and multipart, now and then two parts of the storage's minimum size), read (whole,
 * ranged past the end, streamed, in concurrent ranges), stat, delete (objects, directories,
 * uploads), list (dir and prefix mode, `startAfter`) and listPage (small limits, part mode too),
 * copy, move, createDir, deleteMany (missing and repeated paths, bad paths and options), stat and
 * read with `ifMatch` / `ifNoneMatch` (current, stale and garbage ETags, `*`, lists, any spelling:
 * `Conflict` 412 / 304), links (create, stat, list, read through, delete) where features say so,
 * appends through fresh and stale handles, the multipart primitives, content type, metadata and
 * storage class (and the ETag a write answered, which stat must report), and operations the storage lacks. Keys come from a small alphabet
 * (spaces, `+`, `%`, `~`, URL characters, unicode, nested directories), relative or absolute, so
 * that files and directory prefixes collide. Every answer, errors included, is checked against
 * the model; after every step the whole work_dir's prefix listing, top-level dir listing and
 * uploads are too, and at the end of a run every object's stat and bytes and every directory's
 * listing. Where storages differ by their docs, the model follows {@link DriverRules}.
 *
 * `open` is called once per run (shrinking included) and must return a storager on a fresh,
 * empty work_dir, of a storage that lists in both `prefix` and `dir` mode (`listPrefix`, `listDir`:
 * without them every run fails at once, saying so). A storage {@link rulesFor} does not know needs
 * `options.rules`. A failure prints fast-check's seed, path and the shrunk list of operations
 * (keys named `existing#n` are picked among the keys the model holds when the step runs; the
 * failure message shows the key picked).
 */
export function runModelSuite(name: string, open: () => Storager | Promise<Storager>, options: ModelSuiteOptions = {}): void {
  const numRuns = options.numRuns ?? 40;
  const maxCommands = options.maxCommands ?? 15;
  describe(name, () => {
    it(
      `model: ${numRuns} random runs of up to ${maxCommands} operations agree with the model after every step`,
      async () => {
        const property = fc.asyncProperty(modelCommands(maxCommands), async (commands) => {
          const store = await open();
          checkModelListings(store.info.service, store.features);
          const model = new StoreModel(options.rules ?? rulesFor(store.info.service, store.features), store.features);
          await checkListings(model, store, "open (the work_dir must start empty)");
          await fc.asyncModelRun(() => ({ model, real: { store } }), commands);
          await checkEverything(model, store);
        });
        await fc.assert(property, { numRuns });
      },
      options.timeout ?? 240_000,
    );
  });
}
