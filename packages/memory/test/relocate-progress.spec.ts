/**
 * copy, move and fetch report progress through the storager (core's relay): fetch as bytes arrive,
 * copy and move their size at once; a listener that throws changes nothing in the store.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, storageError, type Progress } from "@stowage/core";
import "../src/index.js";

/** 2 MiB and a bit: many chunks off the socket. */
const body = randomBytes(2 * 1024 * 1024 + 3);
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, req.url === "/chunked" ? {} : { "content-length": String(body.length) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const open = () => newStorager(`memory://progress-${randomUUID()}/`);
const stop = () => storageError("Conflict", "stop");

/** Resolves with what `promise` rejected with (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => Promise.reject(new Error("expected a rejection")),
    (e: unknown) => e,
  );
}

describe("memory fetch: onProgress", () => {
  it("reports bytes as they arrive, total the Content-Length, then { bytes: size, total: size }", async () => {
    const s = open();
    const events: Progress[] = [];
    await s.fetch("f", `${base}/sized`, { onProgress: (p) => void events.push(p) });
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((e) => e.total === body.length)).toBe(true);
    expect(events[events.length - 1]).toEqual({ bytes: body.length, total: body.length });
    expect((await s.read("f")).equals(body)).toBe(true);
  });

  it("without a Content-Length: bytes only, then the size as total", async () => {
    const s = open();
    const events: Progress[] = [];
    await s.fetch("f", `${base}/chunked`, { onProgress: (p) => void events.push(p) });
    expect(events.length).toBeGreaterThan(1);
    expect(events.slice(0, -1).every((e) => e.total === undefined)).toBe(true);
    expect(events[events.length - 1]).toEqual({ bytes: body.length, total: body.length });
  });

  it("a listener that throws stops the fetch with its error: nothing stored", async () => {
    const s = open();
    const error = await rejection(s.fetch("f", `${base}/sized`, { onProgress: () => { throw stop(); } }));
    expect(isStorageError(error, "Conflict")).toBe(true);
    await expect(s.stat("f")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});

describe("memory copy and move: onProgress", () => {
  it("copy and move report the size once", async () => {
    const s = open();
    await s.write("a", Buffer.from("eleven byte"));
    const copied: Progress[] = [];
    await s.copy("a", "b", { onProgress: (p) => void copied.push(p) });
    const moved: Progress[] = [];
    await s.move("b", "c", { onProgress: (p) => void moved.push(p) });
    expect(copied).toEqual([{ bytes: 11, total: 11 }]);
    expect(moved).toEqual([{ bytes: 11, total: 11 }]);
  });

  it("a listener that throws leaves the store as it was: no copy, the moved object still at its source", async () => {
    const s = open();
    await s.write("a", Buffer.from("eleven byte"));
    expect(isStorageError(await rejection(s.copy("a", "b", { onProgress: () => { throw stop(); } })), "Conflict")).toBe(true);
    expect(isStorageError(await rejection(s.move("a", "c", { onProgress: () => { throw stop(); } })), "Conflict")).toBe(true);
    expect((await s.read("a")).toString()).toBe("eleven byte");
    await expect(s.stat("b")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await expect(s.stat("c")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("an abort during the size event stops copy and move with Aborted: nothing copied, the source where it was", async () => {
    const s = open();
    await s.write("a", Buffer.from("eleven byte"));
    for (const op of ["copy", "move"] as const) {
      const controller = new AbortController();
      const events: Progress[] = [];
      const onProgress = (p: Progress): void => {
        events.push(p);
        controller.abort();
      };
      const error = await rejection(s[op]("a", `${op}-dst`, { signal: controller.signal, onProgress }));
      expect(isStorageError(error, "Aborted")).toBe(true);
      expect(events).toEqual([{ bytes: 11, total: 11 }]);
      await expect(s.stat(`${op}-dst`)).rejects.toMatchObject({ code: "ObjectNotExist" });
      expect((await s.read("a")).toString()).toBe("eleven byte");
    }
  });

  it("moving a link reports nothing (a link has no size)", async () => {
    const s = open();
    await s.write("target", Buffer.from("bytes"));
    await s.createLink("link", "target");
    const events: Progress[] = [];
    await s.move("link", "moved", { onProgress: (p) => void events.push(p) });
    expect(events).toEqual([]);
    expect((await s.stat("moved")).mode).toBe("link");
  });
});
