import { describe, expect, it } from "@jest/globals";
import "@stowage/memory";
import { isStorageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import type { Storager } from "../src/storager.js";
import { memoryVariant } from "./memory-variant.js";

/** A memory storager whose driver reports no multipart. */
function withoutMultipart(): Storager {
  return memoryVariant(`memory://no-multipart-${process.pid}/wd/`, { features: (real) => defineFeatures({ ...real, multipart: false }) }).store;
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
