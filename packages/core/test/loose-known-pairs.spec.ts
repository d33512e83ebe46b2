import { afterEach, describe, expect, it } from "@jest/globals";
import type { RawObject } from "../src/driver/storage-driver.js";
import { isStorageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { definePair } from "../src/pairs/pair-definition.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { isPairOfAnyService } from "../src/registry/known-pair.js";
import { registerService, unregisterService } from "../src/registry/registry.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/** A storage that only stats, opened with `query` (e.g. `?enable_loose_pair`). */
function open(query: string, declaresLoose = false): Storager {
  const driver = {
    service: "statonly",
    name: "bucket",
    features: defineFeatures({ stat: true, ...(declaresLoose ? { loosePair: true } : {}) }),
    async stat(key: string): Promise<RawObject> {
      return { key, mode: "file", size: 7 };
    },
  };
  const definition = { type: "statonly", packageName: "statonly", description: "test", pairs: {}, newStorageDriver: () => driver } as unknown as ServiceDefinition;
  const resolved = resolveOpenConfig(definition, `statonly://bucket/${query}`, "storager");
  return createStorager(driver as never, { ...resolved, definition });
}

/** Another driver, registered, with a pair of its own. */
const other: ServiceDefinition = {
  type: "otherkind",
  packageName: "otherkind",
  description: "test",
  pairs: { otherTier: definePair({ name: "other_tier", type: "string", description: "a tier", operations: ["write"] }) },
  newStorageDriver: () => {
    throw new Error("not opened");
  },
};

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isStorageError(e) ? e.code : String(e);
  }
}

afterEach(() => unregisterService("otherkind"));

describe("enable_loose_pair at a call site", () => {
  it("drops a pair of another registered driver, and refuses a name no service defines (a typo)", async () => {
    registerService(other);
    const loose = open("?enable_loose_pair");
    expect((await loose.stat("k", { otherTier: "cold" } as object)).size).toBe(7);
    expect((await loose.stat("k", { expires: 60 } as object)).size).toBe(7);
    const typo = loose.stat("k", { otherTeir: "cold" } as object);
    await expect(typo).rejects.toMatchObject({ code: "PairUnsupported", message: expect.stringContaining('"otherTeir" is a pair of no registered service') });
  });

  it("refuses another driver's pair once that driver is no longer registered", async () => {
    const loose = open("?enable_loose_pair");
    expect(await code(loose.stat("k", { otherTier: "cold" } as object))).toBe("PairUnsupported");
  });

  it("strict storages refuse both, and say they are strict even when the driver declares loosePair", async () => {
    registerService(other);
    const strict = open("", true);
    expect(strict.features.loosePair).toBe(false);
    expect(open("?enable_loose_pair", true).features.loosePair).toBe(true);
    expect(await code(strict.stat("k", { otherTier: "cold" } as object))).toBe("PairUnsupported");
    expect(await code(strict.stat("k", { otherTeir: "cold" } as object))).toBe("PairUnsupported");
  });

  it("isPairOfAnyService knows the global pairs and registered drivers' pairs, by camelCase name", () => {
    expect(isPairOfAnyService("contentType")).toBe(true);
    expect(isPairOfAnyService("content_type")).toBe(false);
    expect(isPairOfAnyService("toString")).toBe(false);
    expect(isPairOfAnyService("otherTier")).toBe(false);
    registerService(other);
    expect(isPairOfAnyService("otherTier")).toBe(true);
  });
});
