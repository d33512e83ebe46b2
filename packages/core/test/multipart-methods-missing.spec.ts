import { describe, expect, it } from "@jest/globals";
import { randomFillSync, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import "@stowage/memory";
import type { StorageDriver } from "../src/driver/storage-driver.js";
import { rejection } from "./rejection.js";
import { memoryVariant, type MemoryVariant } from "./memory-variant.js";

// A driver that turns `multipart` on needs all its methods (storage-driver.ts). One that lacks some
// used to be found out mid-way: a write created its upload, then failed `Unexpected` ("…
// abortMultipart is not a function") with the upload left behind, and a resume failed on listParts.

const MiB = 1024 * 1024;
const WRITE_METHODS = ["createMultipart", "writePart", "completeMultipart", "abortMultipart", "listParts"] as const;

/** A memory store (1 MiB parts above 1 MiB) whose driver hides `hidden` and counts the calls of the others. */
function storeWithout(hidden: readonly string[]): MemoryVariant {
  return memoryVariant(`memory://missing-${randomUUID()}/wd/?part_size=1MiB&multipart_threshold=1MiB`, { hidden });
}

/** The uploads the real driver holds (what a refused write must not leave). */
async function uploads(real: StorageDriver): Promise<string[]> {
  const page = await real.listUploads!({ prefix: "", limit: 100 }, {});
  return page.items.map((o) => o.key);
}

const body = (size: number): Buffer => randomFillSync(Buffer.alloc(size));

describe("a multipart write on a driver that turns multipart on without all its methods", () => {
  for (const method of WRITE_METHODS) {
    it(`without ${method}: CapabilityInsufficient naming it, before any call that sends, nothing created`, async () => {
      const { store, real, calls } = storeWithout([method]);
      const e = await rejection(store.write("o", body(3 * MiB)));
      expect(e).toMatchObject({ code: "CapabilityInsufficient", op: "write" });
      expect((e as Error).message).toContain(`its driver turns multipart on but has no ${method}`);
      expect(calls.filter((c) => WRITE_METHODS.includes(c as (typeof WRITE_METHODS)[number]) || c === "write")).toEqual([]);
      expect(await uploads(real)).toEqual([]);
      await expect(store.stat("o")).rejects.toMatchObject({ code: "ObjectNotExist" });
    });
  }

  it("a stream of unknown length that turns out larger than the threshold is refused the same way, and closed", async () => {
    const { store, real, calls } = storeWithout(["abortMultipart", "listParts"]);
    const stream = Readable.from([body(MiB), body(MiB), body(MiB)]);
    await expect(store.write("s", stream)).rejects.toMatchObject({ code: "CapabilityInsufficient", message: expect.stringContaining("has no abortMultipart, listParts") });
    expect(stream.destroyed).toBe(true);
    expect(calls).not.toContain("createMultipart");
    expect(await uploads(real)).toEqual([]);
  });

  it("a resume (multipart_id, resume_offset) is refused before any part is listed or written: the upload stays as it was", async () => {
    const { store, real, calls } = storeWithout(["listParts"]);
    const { multipartId } = await real.createMultipart!("wd/p", {});
    const e = await rejection(store.write("p", body(3 * MiB), { multipartId, resumeOffset: MiB }));
    expect(e).toMatchObject({ code: "CapabilityInsufficient", message: expect.stringContaining("has no listParts") });
    expect(calls.filter((c) => c === "writePart" || c === "completeMultipart" || c === "abortMultipart")).toEqual([]);
    expect((await real.listParts!("wd/p", multipartId, undefined, {})).items).toEqual([]);
    expect(await uploads(real)).toEqual(["wd/p"]);
  });

  it("a write that fits one request needs none of them: it is stored", async () => {
    const { store } = storeWithout(WRITE_METHODS);
    const data = body(MiB - 1);
    await store.write("small", data);
    expect((await store.read("small")).equals(data)).toBe(true);
  });

  it("with all of them the same write goes in parts (so the refusals above are the missing methods')", async () => {
    const { store, calls } = storeWithout([]);
    const data = body(3 * MiB);
    const result = await store.write("o", data);
    expect(result.parts).toBe(3);
    expect(calls.filter((c) => c === "writePart")).toHaveLength(3);
    expect((await store.read("o")).equals(data)).toBe(true);
  });
});

describe("completeMultipart on a driver without listParts", () => {
  it("is CapabilityInsufficient naming it, before anything is sent (complete checks the stored parts first)", async () => {
    const { store: full } = storeWithout([]);
    const { store, calls } = storeWithout(["listParts"]);
    const upload = await full.createMultipart("c");
    const part = await full.writeMultipart(upload, body(MiB), { index: 0 });
    calls.length = 0;
    const e = await rejection(store.completeMultipart(upload, [part]));
    expect(e).toMatchObject({ code: "CapabilityInsufficient", op: "complete_multipart" });
    expect((e as Error).message).toContain("has no listParts");
    expect(calls).toEqual([]);
  });
});
