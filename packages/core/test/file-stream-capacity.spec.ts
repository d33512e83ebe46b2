import { describe, expect, it } from "@jest/globals";
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import "@stowage/memory";
import { defineFeatures } from "../src/features.js";
import { rejection } from "./rejection.js";
import { memoryVariant, type MemoryVariant } from "./memory-variant.js";
import { useTempFiles } from "./temp-files.js";

// A file stream written without `size` is planned for its file's length. One longer than the
// service can store in one object (the part-count limit × the largest part) used to be planned as
// if its length were unknown: its upload sent that much (78 GiB at a cloud's 10,000 parts of the
// default 8 MiB) and then failed. It is refused before anything is sent, naming both figures.

const MiB = 1024 * 1024;
/** What the store below holds in one object: 4 parts of at most 1 MiB. */
const CAPACITY = 4 * MiB;

const { fileOf } = useTempFiles("stowage-file-stream-capacity-");

/** A memory store (1 MiB parts above 1 KiB) whose driver takes at most 4 parts of at most 1 MiB, recording its calls. */
function smallService(): MemoryVariant {
  return memoryVariant(`memory://capacity-${randomUUID()}/wd/?part_size=1MiB&multipart_threshold=1KiB`, {
    features: (real) => defineFeatures({ ...real, limits: { ...real.limits, multipartNumberMaximum: 4, multipartSizeMaximum: MiB } }),
  });
}

describe("write of a file stream longer than the service stores in one object", () => {
  it("is refused with InvalidArgument naming the file's length and the service's, before any part is sent; the stream is closed", async () => {
    const { store, real, calls } = smallService();
    const { path } = fileOf(CAPACITY + 1);
    const body = createReadStream(path);
    const e = await rejection(store.write("o", body));
    expect(e.code).toBe("InvalidArgument");
    expect(e.message).toContain(`the file holds ${CAPACITY + 1} bytes to write; memory stores at most ${CAPACITY} bytes in one object (4 parts of at most ${MiB} bytes): nothing was sent`);
    expect(calls.filter((c) => c !== "stat")).toEqual([]);
    expect((await real.listUploads!({ prefix: "", limit: 10 }, {})).items).toEqual([]);
    expect(body.destroyed).toBe(true);
    await expect(store.stat("o")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("one that holds exactly that much is stored (in 4 parts of 1 MiB)", async () => {
    const { store } = smallService();
    const { path, data } = fileOf(CAPACITY);
    const result = await store.write("o", createReadStream(path));
    expect([result.size, result.parts]).toEqual([CAPACITY, 4]);
    expect((await store.read("o")).equals(data)).toBe(true);
  });

  it("a resume counts its resume_offset: the upload is left as it was", async () => {
    const { store, real, calls } = smallService();
    const { path } = fileOf(3 * MiB + 1);
    const multipartId = (await store.createMultipart("r")).multipartId!;
    calls.length = 0;
    const e = await rejection(store.write("r", createReadStream(path), { multipartId, resumeOffset: MiB }));
    expect(e.code).toBe("InvalidArgument");
    expect(e.message).toContain(`the file holds ${3 * MiB + 1} bytes to write after resume_offset ${MiB} (${CAPACITY + 1} in all); memory stores at most ${CAPACITY} bytes`);
    expect(calls).toEqual([]);
    expect((await real.listParts!("wd/r", multipartId, undefined, {})).items).toEqual([]);
  });

  it("a file stream given its size is refused by that size, as any body is", async () => {
    const { store, calls } = smallService();
    const { path } = fileOf(CAPACITY + 1);
    const e = await rejection(store.write("o", createReadStream(path), { size: CAPACITY + 1 }));
    expect(e.code).toBe("InvalidArgument");
    expect(e.message).toContain(`a body of ${CAPACITY + 1} bytes does not fit in 4 parts of at most ${MiB} bytes`);
    expect(calls).toEqual([]);
  });
});
