import { randomUUID } from "node:crypto";
import "@stowage/memory";
import { createStorager, defineFeatures, newStorager, resolveOpenConfig, type StorageFeatures, type Storager } from "@stowage/core";
import { memoryService } from "@stowage/memory";
import { runBehaviorSuite } from "../src/index.js";

// The suite's branches for features a storage lacks: memory drivers whose features say less than
// they can do. Core then refuses (or ignores, as documented) what the missing flags gate, and each
// case asserts that, so a driver without a feature cannot pass a case without being checked.

/** A memory storager whose driver reports `features` over its own. */
function withFeatures(features: Partial<StorageFeatures>): () => Storager {
  return () => {
    const conn = `memory://off-${randomUUID()}/${randomUUID()}/?multipart_threshold=1MiB&part_size=256KiB`;
    const resolved = resolveOpenConfig(memoryService, conn, "storager");
    const real = memoryService.newStorageDriver(resolved.config);
    const reported = defineFeatures({ ...real.features, ...features });
    const driver = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === "features") return reported;
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return createStorager(driver, { ...resolved, definition: memoryService });
  };
}

const LARGE = { largeSize: 1536 * 1024 };

runBehaviorSuite(
  "memory, minimal features",
  withFeatures({
    multipart: false, listMultipartUploads: false, contentMd5: false, append: false, copy: false, move: false, fetch: false,
    createLink: false, writeIfNotExists: false, conditionalRead: false, copyAttributes: false, restore: false,
  }),
  LARGE,
);
runBehaviorSuite("memory, links without copy, move, ranges or listDir", withFeatures({ copy: false, move: false, readRange: false, listDir: false, writeIfNotExists: false }), LARGE);
runBehaviorSuite(
  "memory, no attributes, prefix listing, dirs or crc64",
  withFeatures({
    contentType: false, userMetadata: false, cacheControl: false, contentDisposition: false, contentEncoding: false, httpExpires: false,
    crc64: false, listPrefix: false, createDir: false, batchDelete: false, storageClass: false,
  }),
  LARGE,
);
runBehaviorSuite("memory, createDir without listDir", withFeatures({ listDir: false, listPrefix: true, createDir: true }), LARGE);
// Loose pairs come from how a storager is opened (`enable_loose_pair`), not from the driver's flags:
// the cases' loose branches (options a storage does not know are ignored, not refused) run here.
runBehaviorSuite("memory, loose pairs", () => newStorager(`memory://loose-${randomUUID()}/${randomUUID()}/?enable_loose_pair&multipart_threshold=1MiB&part_size=256KiB`), LARGE);
