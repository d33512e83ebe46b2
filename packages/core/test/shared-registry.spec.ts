import { afterEach, describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import * as first from "../src/registry/registry.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { SHARED_REGISTRY_KEY, SHARED_REGISTRY_VERSION, sharedServices } from "../src/registry/shared-registry.js";
import { memoryService } from "@stowage/memory";

// A second instance of the registry module, as an application gets when it and a driver resolved
// different copies of @stowage/core (two versions installed side by side): the query string makes
// the module loader evaluate registry.ts again, with state of its own.
const secondPath = "../src/registry/registry.js?copy=2";
const second = (await import(secondPath)) as typeof first;

function fakeDefinition(packageName: string): ServiceDefinition {
  return {
    type: "shared-fake",
    packageName,
    description: "fake service",
    pairs: {},
    newStorageDriver: () => {
      throw new Error("not opened in this spec");
    },
  };
}

afterEach(() => {
  first.unregisterService("shared-fake");
  second.unregisterService("shared-fake");
});

describe("two copies of the registry module", () => {
  it("are two module instances", () => {
    expect(second).not.toBe(first);
    expect(second.registerService).not.toBe(first.registerService);
  });

  it("share registrations: a service registered through one opens through the other", async () => {
    // @stowage/memory registered itself through the first copy when it was imported.
    expect(first.getService("memory")).toBe(memoryService);
    expect(second.getService("memory")).toBe(memoryService);
    const store = second.newStorager("memory://shared-registry/");
    await store.write("a.txt", "hi");
    expect((await store.stat("a.txt")).size).toBe(2);

    const d = fakeDefinition("@acme/shared-fake");
    second.registerService(d);
    expect(first.getService("shared-fake")).toBe(d);
    expect(first.listServices()).toContain(d);
    first.unregisterService("shared-fake");
    expect(second.getService("shared-fake")).toBeUndefined();
  });

  it("keep the first registration when a second copy of the same package registers its type", () => {
    const a = fakeDefinition("@acme/shared-fake");
    const b = fakeDefinition("@acme/shared-fake");
    first.registerService(a);
    second.registerService(b);
    expect(second.getService("shared-fake")).toBe(a);
  });

  it("refuse a definition of a registered type from another package, whichever copy registered it", () => {
    first.registerService(fakeDefinition("@acme/shared-fake"));
    let caught: unknown;
    try {
      second.registerService(fakeDefinition("@other/shared-fake"));
    } catch (e) {
      caught = e;
    }
    expect(isStorageError(caught, "InvalidArgument")).toBe(true);
    expect((caught as Error).message).toContain('"shared-fake" is already registered (by @acme/shared-fake)');
  });
});

describe("sharedServices", () => {
  it("keeps one registry under the versioned global symbol", () => {
    expect(SHARED_REGISTRY_KEY).toBe(Symbol.for(`stowage.registry.v${SHARED_REGISTRY_VERSION}`));
    const global = {};
    const services = sharedServices(global);
    expect(sharedServices(global)).toBe(services);
    const slot = (global as Record<symbol, { version: number; services: unknown }>)[SHARED_REGISTRY_KEY];
    expect(slot).toEqual({ version: SHARED_REGISTRY_VERSION, services });
    expect(Object.keys(global)).toEqual([]);
    expect(() => {
      (global as Record<symbol, unknown>)[SHARED_REGISTRY_KEY] = "replaced";
    }).toThrow(TypeError);
  });

  it("is the one this process's registry uses", () => {
    const slot = (globalThis as Record<symbol, { services: Map<string, ServiceDefinition> }>)[SHARED_REGISTRY_KEY];
    expect(slot.services.get("memory")).toBe(memoryService);
    expect(sharedServices()).toBe(slot.services);
  });

  it("takes a registry of another realm's Map (checked by shape)", () => {
    const foreignMap = { get: () => undefined, set: () => undefined, delete: () => false, values: () => [][Symbol.iterator]() };
    const global = { [SHARED_REGISTRY_KEY]: { version: SHARED_REGISTRY_VERSION, services: foreignMap } };
    expect(sharedServices(global)).toBe(foreignMap);
  });

  it("leaves anything else under the key alone and keeps a registry of its own", () => {
    for (const value of [null, 5, "x", {}, { version: SHARED_REGISTRY_VERSION + 1, services: new Map() }, { version: SHARED_REGISTRY_VERSION, services: {} }]) {
      const global: Record<symbol, unknown> = { [SHARED_REGISTRY_KEY]: value };
      const services = sharedServices(global);
      expect(services).toBeInstanceOf(Map);
      expect(services.size).toBe(0);
      expect(global[SHARED_REGISTRY_KEY]).toBe(value);
      expect(sharedServices(global)).not.toBe(services);
    }
  });

  it("does not throw on a frozen global", () => {
    const global = Object.freeze({});
    const services = sharedServices(global);
    expect(services).toBeInstanceOf(Map);
    expect(Object.getOwnPropertySymbols(global)).toEqual([]);
  });
});
