import { describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import type { DriverCallOptions, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { isStorageError, storageError } from "../src/errors/storage-error.js";
import { defineFeatures, type StorageFeatures } from "../src/features.js";
import type { Part } from "../src/object/object-info.js";
import type { PresignOperation } from "../src/options.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { PresignedRequest } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/** A driver that presigns nothing real: it records what core asked for. */
class PresignDriver implements StorageDriver {
  readonly service = "ps";
  readonly name = "bucket";
  readonly asked: Array<{ op: PresignOperation; key: string; options: DriverCallOptions & { expires: number; parts?: readonly Part[] } }> = [];

  constructor(readonly features: Readonly<StorageFeatures>) {}

  async stat(key: string): Promise<RawObject> {
    throw storageError("ObjectNotExist", key);
  }
  async read(): Promise<{ stream: Readable }> {
    return { stream: Readable.from([]) };
  }
  async write(): Promise<{ crc64?: string }> {
    return {};
  }
  async delete(): Promise<void> {}
  async listPage(): Promise<{ items: RawObject[] }> {
    return { items: [] };
  }
  async presign(op: PresignOperation, key: string, options: DriverCallOptions & { expires: number; parts?: readonly Part[] }): Promise<PresignedRequest> {
    this.asked.push({ op, key, options });
    return { method: "PUT", url: `https://example.com/${key}`, headers: {} };
  }
}

function open(multipartPresign = true, query = "", extra: Partial<StorageFeatures> = {}) {
  const driver = new PresignDriver(
    defineFeatures({
      stat: true,
      read: true,
      write: true,
      delete: true,
      list: true,
      listPrefix: true,
      multipart: true,
      contentType: true,
      presignRead: true,
      presignWrite: true,
      presignDelete: true,
      presignCreateMultipart: multipartPresign,
      presignWriteMultipart: multipartPresign,
      presignListMultipart: multipartPresign,
      presignCompleteMultipart: multipartPresign,
      limits: { multipartNumberMaximum: 10_000, presignExpiresMaximum: 3600 },
      ...extra,
    }),
  );
  const definition: ServiceDefinition = { type: "ps", packageName: "ps", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, `ps://bucket/base/${query}`, "storager");
  return { driver, store: createStorager(driver, { ...resolved, definition }) };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isStorageError(e) ? e.code : `not a StorageError: ${String(e)}`;
  }
  return undefined;
}

describe("presign writeMultipart", () => {
  it("hands the driver the upload, the part index and what the client will send", async () => {
    const { driver, store } = open();
    await store.presign("writeMultipart", "dir/big.bin", { expires: 600, multipartId: "up-1", index: 3, size: 5_000_000, contentMd5: "nWmIDzS2yZwGK1D7XLVG4A==" });
    expect(driver.asked).toHaveLength(1);
    expect(driver.asked[0]).toMatchObject({
      op: "writeMultipart",
      key: "base/dir/big.bin",
      options: { expires: 600, multipartId: "up-1", index: 3, size: 5_000_000, contentMd5: "nWmIDzS2yZwGK1D7XLVG4A==" },
    });
  });

  it("needs multipartId and index, and an index within the service's part count", async () => {
    const { driver, store } = open();
    expect(await code(store.presign("writeMultipart", "a", { expires: 60, index: 0 }))).toBe("PairRequired");
    expect(await code(store.presign("writeMultipart", "a", { expires: 60, multipartId: "u" }))).toBe("PairRequired");
    for (const index of [-1, 10_000, 1.5]) {
      expect(await code(store.presign("writeMultipart", "a", { expires: 60, multipartId: "u", index }))).toBe("InvalidArgument");
    }
    expect(await code(store.presign("writeMultipart", "a", { expires: 60, multipartId: "u", index: 9_999 }))).toBeUndefined();
    expect(await code(store.presign("writeMultipart", "a", { expires: 3601, multipartId: "u", index: 0 }))).toBe("InvalidArgument");
    expect(driver.asked).toHaveLength(1);
  });

  it("refuses options the operation does not take, but not open-time defaults", async () => {
    const { driver, store } = open(true, "?default_content_type=text/plain");
    expect(await code(store.presign("read", "a", { expires: 60, index: 1 }))).toBe("InvalidArgument");
    expect(await code(store.presign("read", "a", { expires: 60, multipartId: "u" }))).toBe("InvalidArgument");
    expect(await code(store.presign("write", "a", { expires: 60, offset: 3 }))).toBe("InvalidArgument");
    expect(await code(store.presign("writeMultipart", "a", { expires: 60, multipartId: "u", index: 0, contentType: "a/b" }))).toBe("InvalidArgument");
    expect(await code(store.presign("delete", "a", { expires: 60, contentMd5: "nWmIDzS2yZwGK1D7XLVG4A==" }))).toBe("InvalidArgument");
    expect(driver.asked).toHaveLength(0);
    // The default content type applies where it can and fails nothing.
    await store.presign("read", "a", { expires: 60 });
    await store.presign("write", "a", { expires: 60 });
    expect(driver.asked.map((a) => a.options.contentType)).toEqual(["text/plain", "text/plain"]);
  });

  it("is a capability, and unknown operations are refused", async () => {
    const { store } = open(false);
    expect(await code(store.presign("writeMultipart", "a", { expires: 60, multipartId: "u", index: 0 }))).toBe("CapabilityInsufficient");
    for (const op of ["createMultipart", "listMultipart"] as const) {
      expect(await code(store.presign(op, "a", { expires: 60, multipartId: "u" }))).toBe("CapabilityInsufficient");
    }
    expect(await code(store.presign("completeMultipart", "a", { expires: 60, multipartId: "u", parts: [{ index: 0, size: 1, etag: "e" }] }))).toBe("CapabilityInsufficient");
    for (const op of ["toString", "list", "writeAppend"]) {
      expect(await code(store.presign(op as PresignOperation, "a", { expires: 60 }))).toBe("InvalidArgument");
    }
  });
});

describe("presign createMultipart, listMultipart and completeMultipart", () => {
  const part = (index: number, etag = `"e${index}"`): Part => ({ index, size: 10, etag });

  it("hands the driver the upload and the parts, sorted", async () => {
    const { driver, store } = open();
    await store.presign("createMultipart", "dir/big.bin", { expires: 600, contentType: "video/mp4" });
    await store.presign("listMultipart", "dir/big.bin", { expires: 600, multipartId: "up-1" });
    await store.presign("completeMultipart", "dir/big.bin", { expires: 600, multipartId: "up-1", parts: [part(1), part(0)] });
    expect(driver.asked.map((a) => [a.op, a.key])).toEqual([
      ["createMultipart", "base/dir/big.bin"],
      ["listMultipart", "base/dir/big.bin"],
      ["completeMultipart", "base/dir/big.bin"],
    ]);
    expect(driver.asked[0]!.options.contentType).toBe("video/mp4");
    expect(driver.asked[1]!.options.multipartId).toBe("up-1");
    expect(driver.asked[2]!.options.parts).toEqual([part(0), part(1)]);
  });

  it("needs an upload for list and complete, and parts numbered 0..n-1 for complete", async () => {
    const { driver, store } = open();
    expect(await code(store.presign("listMultipart", "a", { expires: 60 }))).toBe("PairRequired");
    expect(await code(store.presign("completeMultipart", "a", { expires: 60, parts: [part(0)] }))).toBe("PairRequired");
    expect(await code(store.presign("completeMultipart", "a", { expires: 60, multipartId: "u" }))).toBe("PairRequired");
    const bad: unknown[] = [[], [part(1)], [part(0), part(0)], [part(0), part(2)], "parts", [{ index: 0, size: 1 }], [{ index: 0.5, size: 1, etag: "e" }], [null]];
    for (const parts of bad) {
      expect(await code(store.presign("completeMultipart", "a", { expires: 60, multipartId: "u", parts: parts as Part[] }))).toBe("InvalidArgument");
    }
    expect(driver.asked).toHaveLength(0);
  });

  it("refuses options these operations do not take", async () => {
    const { driver, store } = open();
    expect(await code(store.presign("createMultipart", "a", { expires: 60, multipartId: "u" }))).toBe("InvalidArgument");
    expect(await code(store.presign("createMultipart", "a", { expires: 60, index: 0 }))).toBe("InvalidArgument");
    expect(await code(store.presign("listMultipart", "a", { expires: 60, multipartId: "u", contentType: "a/b" }))).toBe("InvalidArgument");
    expect(await code(store.presign("completeMultipart", "a", { expires: 60, multipartId: "u", parts: [part(0)], size: 10 }))).toBe("InvalidArgument");
    expect(await code(store.presign("writeMultipart", "a", { expires: 60, multipartId: "u", index: 0, parts: [part(0)] }))).toBe("InvalidArgument");
    expect(await code(store.presign("read", "a", { expires: 60, parts: [part(0)] }))).toBe("InvalidArgument");
    expect(driver.asked).toHaveLength(0);
  });
});

describe("presign read with response overrides", () => {
  it("needs the responseOverrides feature, takes printable ASCII only, and only on reads", async () => {
    const without = open();
    expect(await code(without.store.presign("read", "a", { expires: 60, responseContentType: "text/plain" }))).toBe("PairUnsupported");
    const { driver, store } = open(true, "", { responseOverrides: true });
    await store.presign("read", "a", { expires: 60, responseContentType: "text/plain", responseContentDisposition: 'attachment; filename="a b.txt"' });
    expect(driver.asked[0]!.options).toMatchObject({ responseContentType: "text/plain", responseContentDisposition: 'attachment; filename="a b.txt"' });
    for (const bad of ["", "text/plain\r\nx: y", 'attachment; filename="é.txt"']) {
      expect(await code(store.presign("read", "a", { expires: 60, responseContentDisposition: bad }))).toBe("InvalidArgument");
    }
    expect(await code(store.presign("write", "a", { expires: 60, responseContentType: "text/plain" }))).toBe("InvalidArgument");
    expect(driver.asked).toHaveLength(1);
  });
});

describe("presign expiry without a service maximum", () => {
  it("is refused when the URL would live past the year 9999 (no date can say when), nothing asked of the driver", async () => {
    const { driver, store } = open(true, "", { limits: { multipartNumberMaximum: 10_000 } });
    expect(await code(store.presign("read", "a", { expires: Number.MAX_SAFE_INTEGER }))).toBe("InvalidArgument");
    const left = Math.floor(253_402_300_799 - Date.now() / 1000);
    expect(await code(store.presign("read", "a", { expires: left + 10 }))).toBe("InvalidArgument");
    expect(driver.asked).toHaveLength(0);
    // A hundred years is an odd wish, but a date can still say when it ends.
    expect(await code(store.presign("read", "a", { expires: 100 * 365 * 86_400 }))).toBeUndefined();
    expect(driver.asked).toHaveLength(1);
  });
});
