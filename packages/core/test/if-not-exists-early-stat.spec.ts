import { describe, expect, it } from "@jest/globals";
import type { DriverBody, DriverCallOptions, RawObject } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { crc64Decimal } from "../src/integrity/crc64.js";
import type { Part } from "../src/object/object-info.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { definePair } from "../src/pairs/pair-definition.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/**
 * A multipart store holding one object, "taken", whose stat answers only with the option
 * `key: "k"` (as an SSE-C object answers only a HEAD with its key), and "locked", whose stat is
 * refused. It records which requests were made.
 */
function open(): { store: Storager; calls: string[] } {
  const calls: string[] = [];
  const driver = {
    service: "es",
    name: "bucket",
    features: defineFeatures({ stat: true, write: true, delete: true, list: true, listPrefix: true, multipart: true, writeIfNotExists: true }),
    async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
      calls.push(`stat ${key}`);
      if (key === "locked") throw storageError(ErrorCode.PermissionDenied, "no HeadObject permission");
      if (key !== "taken") throw storageError(ErrorCode.ObjectNotExist, "none");
      if (options["key"] !== "k") throw storageError(ErrorCode.InvalidArgument, "the object needs its key");
      return { key, mode: "file", size: 1 };
    },
    async read(): Promise<never> {
      throw new Error("not used");
    },
    async write(_key: string, body: DriverBody) {
      return { crc64: crc64Decimal(Buffer.from(body.data as Buffer)) };
    },
    async delete(): Promise<void> {},
    async listPage() {
      return { items: [] };
    },
    async createMultipart(key: string) {
      calls.push(`create ${key}`);
      return { multipartId: "u" };
    },
    async writePart(_key: string, _id: string, index: number, body: DriverBody): Promise<Part> {
      calls.push(`part ${index}`);
      return { index, size: body.size, etag: `"${index}"`, crc64: crc64Decimal(Buffer.from(body.data as Buffer)) };
    },
    async completeMultipart(key: string) {
      calls.push(`complete ${key}`);
      if (key === "taken" || key === "locked") throw storageError(ErrorCode.Conflict, "exists", { statusCode: 409 });
      return {};
    },
    async abortMultipart(): Promise<void> {},
    async listParts() {
      return { items: [] };
    },
  };
  // A driver pair standing for an SSE-C key: stat and write take it.
  const pairs = { key: definePair({ name: "key", type: "string", description: "test key", operations: ["write", "stat"] }) };
  const definition: ServiceDefinition = { type: "es", packageName: "es", description: "test", pairs, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, "es://bucket/", "storager");
  return { store: createStorager(driver, { ...resolved, definition }), calls };
}

const BIG = Buffer.alloc(40);
const PARTS = { multipartThreshold: 10, partSize: 10 } as const;

describe("ifNotExists: the early stat of a multipart write", () => {
  it("is sent with the write's own options (an SSE-C key), so an object there is Conflict before any part", async () => {
    const { store, calls } = open();
    await expect(store.write("taken", BIG, { ifNotExists: true, ...PARTS, key: "k" } as never)).rejects.toMatchObject({ code: "Conflict" });
    expect(calls).toEqual(["stat taken"]);
  });

  it("leaves the decision to the service when the stat fails otherwise (no permission, a key it lacks)", async () => {
    const { store, calls } = open();
    await expect(store.write("locked", BIG, { ifNotExists: true, ...PARTS })).rejects.toMatchObject({ code: "Conflict" });
    expect(calls.filter((c) => c.startsWith("complete"))).toEqual(["complete locked"]);
    calls.length = 0;
    await expect(store.write("taken", BIG, { ifNotExists: true, ...PARTS })).rejects.toMatchObject({ code: "Conflict" });
    expect(calls).toContain("complete taken");
  });

  it("also guards a resumed write (multipartId) before its parts", async () => {
    const { store, calls } = open();
    await expect(store.write("taken", BIG, { ifNotExists: true, ...PARTS, multipartId: "u", key: "k" } as never)).rejects.toMatchObject({ code: "Conflict" });
    expect(calls).toEqual(["stat taken"]);
  });
});
