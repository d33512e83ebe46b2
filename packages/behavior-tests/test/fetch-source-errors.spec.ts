/**
 * memory and fs `fetch` from a failing source (the shared suite, src/fetch-source-errors.ts). For
 * fs, `PermissionDenied` stays the filesystem refusing access, and nothing at all is left in the
 * work dir; for memory, it is the storage refusing the caller's credential, and nothing is stored
 * at the key.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "@stowage/fs";
import "@stowage/memory";
import { newStorager } from "@stowage/core";
import { runFetchSourceErrorSuite } from "../src/index.js";

runFetchSourceErrorSuite("memory fetch: a failing source", async () => {
  const store = newStorager(`memory://fetch-errors-${randomUUID()}/`);
  return { store, leftovers: () => store.stat("f").then(() => ["f"], () => []) };
});

runFetchSourceErrorSuite("fs fetch: a failing source", async () => {
  const root = await mkdtemp(join(tmpdir(), "stowage-fetch-errors-"));
  return { store: newStorager(`fs://${root}/`), leftovers: () => readdir(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});
