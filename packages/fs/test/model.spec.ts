import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "@jest/globals";
import { runModelSuite, workDirConnection } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import "../src/index.js";

let root: string | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "stowage-model-"));
});

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

// A fresh work_dir below one temp directory per run; fsync off, as nothing here survives a crash.
runModelSuite("fs model", () => {
  if (root === undefined) throw new Error("the temp directory was not made");
  return newStorager(workDirConnection(`fs://${root}/?fsync=false`));
});
