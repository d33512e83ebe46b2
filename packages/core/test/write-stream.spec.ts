import { describe, expect, it } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ObjectWriteStream } from "../src/storager/write-stream.js";
import { Gate, once, openGated } from "./gated-driver.js";

const KiB = 1024;
const MiB = 1024 * KiB;

function bytes(size: number): Buffer {
  return randomFillSync(Buffer.alloc(size));
}

/** Settles with 'finish' or the stream's error, whichever comes. */
function finished(ws: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once("finish", () => resolve());
    ws.once("error", reject);
  });
}

describe("createWriteStream: more bytes than `size` are cut, as write() cuts a longer body", () => {
  it("finishes with the first `size` bytes stored when many large chunks follow", async () => {
    const { driver, store } = openGated();
    const ws = store.createWriteStream("o", { size: 10 }) as ObjectWriteStream;
    const done = finished(ws);
    const data = bytes(16 * 256 * KiB);
    for (let i = 0; i < 16; i++) ws.write(data.subarray(i * 256 * KiB, (i + 1) * 256 * KiB));
    ws.end();
    await done;
    expect(ws.result?.size).toBe(10);
    expect(driver.objects.get("o")?.equals(data.subarray(0, 10))).toBe(true);
  });

  it("finishes when more bytes are written after the object was stored", async () => {
    const { driver, store } = openGated();
    const ws = store.createWriteStream("o", { size: 10 }) as ObjectWriteStream;
    const done = finished(ws);
    ws.write(Buffer.from("0123456789"));
    // Wait until the write has stored its 10 bytes, then write past them.
    for (let i = 0; i < 1000 && !driver.objects.has("o"); i++) await new Promise((r) => setImmediate(r));
    expect(driver.objects.get("o")?.length).toBe(10);
    ws.write(Buffer.from("abcde"));
    ws.end();
    await done;
    expect(ws.result?.size).toBe(10);
    expect(driver.objects.get("o")?.toString()).toBe("0123456789");
  });

  it("size 0 then one byte stores an empty object", async () => {
    const { driver, store } = openGated();
    const ws = store.createWriteStream("o", { size: 0 }) as ObjectWriteStream;
    const done = finished(ws);
    ws.end("x");
    await done;
    expect(ws.result?.size).toBe(0);
    expect(driver.objects.get("o")?.length).toBe(0);
  });

  it("a pipeline from a longer source settles, above the multipart threshold too", async () => {
    const { driver, store } = openGated();
    const data = bytes(3 * MiB);
    const chunks = () => Readable.from([0, 1, 2, 3, 4, 5].map((i) => data.subarray(i * 512 * KiB, (i + 1) * 512 * KiB)));
    await pipeline(chunks(), store.createWriteStream("small", { size: 1024 }));
    expect(driver.objects.get("small")?.equals(data.subarray(0, 1024))).toBe(true);
    const ws = store.createWriteStream("large", { size: 1.5 * MiB }) as ObjectWriteStream;
    await pipeline(chunks(), ws);
    expect(ws.result).toMatchObject({ size: 1.5 * MiB, parts: 2 });
    expect(driver.objects.get("large")?.equals(data.subarray(0, 1.5 * MiB))).toBe(true);
  });
});

describe("createWriteStream: destroy stops the upload", () => {
  /** A stream of 3 MiB, ended, whose parts are held at the driver's gate. */
  async function endedWithPartsHeld() {
    const { driver, store } = openGated();
    driver.partGate = new Gate();
    const ws = store.createWriteStream("o") as ObjectWriteStream;
    const events: string[] = [];
    for (const name of ["finish", "error", "close"]) ws.on(name, () => events.push(name));
    ws.end(bytes(3 * MiB));
    await driver.waiting.opened;
    // Every byte handed over and the body ended: only the upload itself is left.
    for (let i = 0; i < 1000 && ws.writableLength > 0; i++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(ws.writableLength).toBe(0);
    return { driver, ws, events };
  }

  it("destroy() after end() aborts the upload: nothing is completed, 'close' comes once it stopped", async () => {
    const { driver, ws, events } = await endedWithPartsHeld();
    ws.destroy();
    const closed = once(ws, "close");
    driver.partGate!.open();
    await Promise.all([closed, driver.uploadEnded]);
    expect(driver.completed).toEqual([]);
    expect(driver.aborted).toEqual(["u1"]);
    expect(driver.objects.has("o")).toBe(false);
    expect(ws.result).toBeUndefined();
    expect(events).toEqual(["close"]);
  });

  it("destroy(error) after end() aborts the upload and emits that error", async () => {
    const { driver, ws, events } = await endedWithPartsHeld();
    const why = new Error("request cancelled");
    const errored = new Promise<unknown>((resolve) => ws.once("error", resolve));
    const closed = once(ws, "close");
    ws.destroy(why);
    driver.partGate!.open();
    expect(await errored).toBe(why);
    await Promise.all([closed, driver.uploadEnded]);
    expect(driver.completed).toEqual([]);
    expect(driver.objects.has("o")).toBe(false);
    expect(events).toEqual(["error", "close"]);
  });

  it("destroy() once Complete was sent does not cancel it: the object is stored and `result` set before 'close'", async () => {
    const { driver, store } = openGated();
    driver.completeGate = new Gate();
    const data = bytes(3 * MiB);
    const ws = store.createWriteStream("o") as ObjectWriteStream;
    ws.end(data);
    await driver.waiting.opened;
    ws.destroy();
    const closed = once(ws, "close");
    driver.completeGate.open();
    await closed;
    expect(driver.completed).toEqual(["u1"]);
    expect(driver.objects.get("o")?.equals(data)).toBe(true);
    expect(ws.result).toMatchObject({ size: data.length, parts: 3 });
  });
});
