/**
 * An abort stops a large write or read part-way, and an aborted write stores nothing. Copying and
 * hashing never wait on I/O, so the driver takes a turn of the event loop every 8 MiB: an abort
 * from a timer (or from `onProgress`) is then seen before the body is stored or fully read.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type Progress } from "@stowage/core";
import "../src/index.js";
import { MemoryStorageDriver } from "../src/storager.js";
import { MemoryStore } from "../src/store.js";
import { drain, expectCode } from "./helpers.js";

const MiB = 1024 * 1024;
const BIG = Buffer.alloc(64 * MiB, 7);

/** An AbortController aborted from `setTimeout(…, 0)`; the timer is cleared by `done`. */
function abortOnTimer(): { controller: AbortController; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 0);
  return { controller, done: () => clearTimeout(timer) };
}

describe("memory: aborting large bodies", () => {
  const store = newStorager("memory://abort-large/");

  afterAll(async () => {
    for await (const o of store.list("", { mode: "prefix" })) await store.delete(o.path);
  });

  it("a 64 MiB single write aborted from its first onProgress rejects Aborted and stores nothing", async () => {
    const controller = new AbortController();
    const events: Progress[] = [];
    const write = store.write("on-progress", BIG, {
      signal: controller.signal,
      multipartThreshold: 128 * MiB,
      onProgress: (p) => {
        events.push(p);
        controller.abort();
      },
    });
    await expectCode(write, "Aborted");
    // The first event came while the body was being taken, not once it was stored.
    expect(events[0]!.bytes).toBeLessThan(BIG.length);
    await expectCode(store.stat("on-progress"), "ObjectNotExist");
  });

  it("a 64 MiB read aborted from setTimeout(…, 0) rejects Aborted", async () => {
    await store.write("readable", BIG, { multipartThreshold: 128 * MiB });
    const { controller, done } = abortOnTimer();
    try {
      await expectCode(store.read("readable", { signal: controller.signal }), "Aborted");
    } finally {
      done();
    }
  });

  it("a driver write of a 64 MiB Buffer aborted from setTimeout(…, 0) rejects Aborted and stores nothing", async () => {
    const d = new MemoryStorageDriver(new MemoryStore(), "");
    const { controller, done } = abortOnTimer();
    try {
      await expectCode(d.write("big", { data: BIG, size: BIG.length }, { signal: controller.signal }), "Aborted");
    } finally {
      done();
    }
    await expectCode(d.stat("big", {}), "ObjectNotExist");
  });

  it("a driver write of a 64 MiB in-memory stream aborted from setTimeout(…, 0) rejects Aborted and stores nothing", async () => {
    const d = new MemoryStorageDriver(new MemoryStore(), "");
    const pieces: Buffer[] = [];
    for (let at = 0; at < BIG.length; at += MiB) pieces.push(BIG.subarray(at, at + MiB));
    const { controller, done } = abortOnTimer();
    try {
      await expectCode(d.write("big", { data: Readable.from(pieces), size: BIG.length }, { signal: controller.signal }), "Aborted");
    } finally {
      done();
    }
    await expectCode(d.stat("big", {}), "ObjectNotExist");
  });

  it("takes and hands out a body up to 8 MiB without a turn of the event loop", async () => {
    const d = new MemoryStorageDriver(new MemoryStore(), "");
    const body = Buffer.alloc(8 * MiB, 3);
    let turned = false;
    const immediate = setImmediate(() => (turned = true));
    await d.write("small", { data: body, size: body.length }, {});
    const read = await d.read("small", {}, {});
    expect((await drain(read.stream)).equals(body)).toBe(true);
    expect(turned).toBe(false);
    clearImmediate(immediate);
  });

  it("a large body is stored and read back whole, with its MD5 and CRC-64", async () => {
    const d = new MemoryStorageDriver(new MemoryStore(), "");
    const body = Buffer.alloc(20 * MiB + 5);
    for (let i = 0; i < body.length; i += 4099) body[i] = i & 0xff;
    const written = await d.write("whole", { data: body, size: body.length }, {});
    expect(written).toEqual({ etag: `"${createHash("md5").update(body).digest("hex")}"`, crc64: crc64Decimal(body) });
    const read = await d.read("whole", { offset: 3 }, {});
    expect((await drain(read.stream)).equals(body.subarray(3))).toBe(true);
  });
});
