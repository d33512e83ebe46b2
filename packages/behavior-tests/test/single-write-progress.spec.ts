// A write of unknown size that goes in one request (below multipart_threshold) learns its total once
// the body is read, so its events carry it and the last, { size, size }, comes before memory and fs put
// the object in place: a listener that throws there (a size cap) keeps the old object
// (review-fixes16 M2: that event came after the object was stored). On the clouds it comes as the
// last byte is sent, so the service may still store it (docs/getting-started.md).
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import "@stowage/fs";
import "@stowage/memory";
import { newStorager, type Progress } from "@stowage/core";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "stowage-single-progress-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function* chunks(data: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += 4096) yield data.subarray(at, at + 4096);
}

describe.each([["memory"], ["fs"]])("%s: a write of unknown size in one request", (type) => {
  it("gives { size, size } as its only event, before the object is stored; a listener that throws there keeps the old one", async () => {
    const store = newStorager(type === "memory" ? `memory://single-${randomUUID()}/` : `fs://${dir}/`);
    await store.write("obj", "OLD");
    const events: Progress[] = [];
    const data = Buffer.alloc(10_000, 1);
    const write = store.write("obj", chunks(data), {
      onProgress: (p) => {
        events.push(p);
        if (p.total !== undefined) throw new Error("size cap");
      },
    });
    await expect(write).rejects.toMatchObject({ code: "Unexpected" });
    expect(events).toEqual([{ bytes: 10_000, total: 10_000 }]);
    expect((await store.read("obj")).toString()).toBe("OLD");
  });
});
