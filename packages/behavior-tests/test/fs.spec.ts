import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "@jest/globals";
import "@stowage/fs";
import { newStorager } from "@stowage/core";
import { runBehaviorSuite } from "../src/index.js";

let root: string | undefined;

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

// A fresh temp directory as root and a fresh work_dir below it; small multipart
// settings so that the "large" writes (1.5 MiB) go multipart in 6 parts.
runBehaviorSuite(
  "fs",
  async () => {
    root = await mkdtemp(join(tmpdir(), "stowage-suite-"));
    return newStorager(`fs://${root}/${randomUUID()}/?multipart_threshold=1MiB&part_size=256KiB`);
  },
  { largeSize: 1536 * 1024 },
);
