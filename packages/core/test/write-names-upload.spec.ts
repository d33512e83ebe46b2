import { describe, expect, it } from "@jest/globals";
import "@stowage/memory";
import { isStorageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { getService } from "../src/registry/registry.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";

/** A memory storager whose driver reports no multipart. */
function withoutMultipart(): Storager {
  const definition = getService("memory")!;
  const resolved = resolveOpenConfig(definition, `memory://no-multipart-${process.pid}/wd/`, "storager");
  const real = definition.newStorageDriver(resolved.config);
  const features = defineFeatures({ ...real.features, multipart: false });
  const driver = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "features") return features;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return createStorager(driver, { ...resolved, definition });
}

describe("a write naming an upload on a storage without multipart", () => {
  it.each([
    ["multipartId", { multipartId: "u1" }],
    ["multipartId and resumeOffset", { multipartId: "u1", resumeOffset: 4 }],
  ])("is CapabilityInsufficient (%s), nothing stored", async (_name, options) => {
    const store = withoutMultipart();
    const e = await store.write("a", Buffer.from("abcdefgh"), options).catch((err: unknown) => err);
    expect(isStorageError(e, "CapabilityInsufficient")).toBe(true);
    expect((e as Error).message).toContain("multipart");
    await expect(store.stat("a")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
