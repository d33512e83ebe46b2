import { afterAll, describe, expect, it } from "@jest/globals";
import { randomUUID } from "node:crypto";
import "@stowage/memory";
import type { StorageDriver } from "../src/driver/storage-driver.js";
import type { StorageFeatures } from "../src/features.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { getService, newStorager, registerService, unregisterService } from "../src/registry/registry.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";

// What docs/writing-a-driver.md says core does, and does not do, with what a driver reports.

/** A memory storager whose driver's `write` reports the CRC-64 `crc64`, with `features.crc64` set to `on`. */
function wrongCrc(on: boolean, crc64: string): Storager {
  const definition = getService("memory")!;
  const resolved = resolveOpenConfig(definition, `memory://guide-${randomUUID()}/`, "storager");
  const real = definition.newStorageDriver(resolved.config);
  const features: Readonly<StorageFeatures> = Object.freeze({ ...real.features, crc64: on });
  const driver = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "features") return features;
      if (prop === "write") return async (...args: Parameters<StorageDriver["write"]>) => ({ ...(await real.write(...args)), crc64 });
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return createStorager(driver, { ...resolved, definition });
}

describe("a CRC-64 a driver's write returns", () => {
  it("is compared with core's where features.crc64 is on: IntegrityMismatch, the object removed", async () => {
    const store = wrongCrc(true, "12345");
    await expect(store.write("k", "hello")).rejects.toMatchObject({ code: "IntegrityMismatch", message: expect.stringContaining("service stored 12345; the object was removed") });
    await expect(store.stat("k")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("is ignored where features.crc64 is off: the write succeeds, reports core's own CRC-64, unconfirmed", async () => {
    for (const claimed of ["12345", "not-a-number"]) {
      const store = wrongCrc(false, claimed);
      const result = await store.write("k", "hello");
      expect(result.crc64).toBe(crc64Decimal(Buffer.from("hello")));
      expect(result.crc64Confirmed).toBeUndefined();
      expect((await store.read("k")).toString()).toBe("hello");
    }
  });
});

describe("a driver's service", () => {
  afterAll(() => unregisterService("guidekv"));

  it("is what info.service and errors say, whatever scheme opened it (core does not compare them)", async () => {
    const memory = getService("memory")!;
    registerService({ ...memory, type: "guidekv", packageName: "@acme/guidekv" });
    const store = newStorager(`guidekv://guide-${randomUUID()}/`);
    expect(store.info.service).toBe("memory");
    await expect(store.stat("missing")).rejects.toMatchObject({ code: "ObjectNotExist", service: "memory" });
  });
});
