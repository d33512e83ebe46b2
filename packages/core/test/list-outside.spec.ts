import { describe, expect, it } from "@jest/globals";
import type { RawObject } from "../src/driver/storage-driver.js";
import { defineFeatures } from "../src/features.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { createStorager } from "../src/storager/create-storager.js";
import { GatedDriver } from "./gated-driver.js";

describe("a listing answer with a key outside the prefix asked for", () => {
  it("is Unexpected and retryable (a damaged answer or a service fault), not InvalidArgument", async () => {
    const driver = new GatedDriver(defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, listPrefix: true }));
    driver.listPage = async (): Promise<{ items: RawObject[] }> => ({ items: [{ key: "wd/dir/ok", mode: "file", size: 1 }, { key: "other/k", mode: "file", size: 1 }] });
    const definition: ServiceDefinition = { type: "gated", packageName: "gated", description: "test", pairs: {}, newStorageDriver: () => driver };
    const store = createStorager(driver, { ...resolveOpenConfig(definition, "gated://bucket/wd/", "storager"), definition });
    const error = await store.listPage("dir/", { mode: "prefix" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Unexpected", retryable: true });
  });
});
