import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { runBehaviorSuite } from "@stowage/behavior-tests";
import { withoutProc } from "./no-proc.js";

// The shared behaviour suite, run against the fs driver as packages/behavior-tests/test/fs.spec.ts
// runs it, but on the paths the driver takes as on macOS (no-proc.ts): without Linux's /proc paths
// (directories checked and named by path instead of pinned, files looked at and then opened
// instead of through O_PATH descriptors) and with link(2) following a symbolic link. The driver is
// imported only once the platform is faked: its modules must be linked to the mocks.

await withoutProc({ linkFollows: true });
await import("@stowage/fs");
const { FsPaths } = await import("../src/paths.js");

const roots: string[] = [];

afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe("fs without /proc paths", () => {
  it("is what the suite runs on: a directory is pinned as its path, not through /proc", async () => {
    const pin = await new FsPaths("/").pinDir("/");
    try {
      expect([pin.self, pin.at("x")]).toEqual(["/", "/x"]);
    } finally {
      await pin.close();
    }
  });
});

// A fresh work_dir below a fresh temp directory; small multipart settings so that the "large"
// writes (1.5 MiB) go multipart in 6 parts.
runBehaviorSuite(
  "fs without /proc paths",
  async () => {
    const root = await mkdtemp(join(tmpdir(), "stowage-suite-noproc-"));
    roots.push(root);
    return newStorager(`fs://${root}/${randomUUID()}/?multipart_threshold=1MiB&part_size=256KiB`);
  },
  { largeSize: 1536 * 1024 },
);
