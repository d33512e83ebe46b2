import { describe, expect, it } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import { createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { storageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";
import { Gate, GatedDriver } from "./gated-driver.js";
import { rejection } from "./rejection.js";

// onMultipartCreate is how a caller saves a new upload's id (the CLI's checkpoint) before anything
// is stored under it: a promise it returns is awaited before the first part is sent, so a process
// killed meanwhile leaves no upload holding parts that no checkpoint names.

const MiB = 1024 * 1024;

/** A storager over a fresh {@link GatedDriver}: 1 MiB parts, multipart above 1 MiB, 2 parts at once. */
function open(): { driver: GatedDriver; store: Storager } {
  const driver = new GatedDriver(
    defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, multipart: true, crc64: true, limits: { multipartSizeMinimum: 1 } }),
  );
  const definition: ServiceDefinition = { type: "gated", packageName: "gated", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, "gated://bucket/?multipart_threshold=1MiB&part_size=1MiB&concurrency=2", "storager");
  return { driver, store: createStorager(driver, { ...resolved, definition }) };
}

/** Lets pending callbacks run (a bounded number of event-loop turns). */
async function turns(n = 50): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("write: onMultipartCreate", () => {
  it("no part is sent until the promise it returns resolves; then the write completes", async () => {
    const { driver, store } = open();
    // Any part sent waits at the gate and opens `driver.waiting`.
    driver.partGate = new Gate();
    const body = randomFillSync(Buffer.alloc(3 * MiB));
    const seen: string[] = [];
    const write = store.write("o", body, {
      onMultipartCreate: async () => {
        // A part sent meanwhile would show within a few ms (hashing 1 MiB); allow it 300 ms.
        seen.push(await Promise.race([driver.waiting.opened.then(() => "a part was sent"), delay(300).then(() => "no part yet")]));
      },
    });
    await turns();
    driver.partGate.open();
    await write;
    expect(seen).toEqual(["no part yet"]);
    expect(driver.completed).toEqual(["u1"]);
    expect(driver.objects.get("o")?.equals(body)).toBe(true);
  });

  it("a promise that rejects fails the write with its error, sends no part and aborts the upload", async () => {
    const { driver, store } = open();
    const ids: string[] = [];
    const e = await rejection(
      store.write("o", randomFillSync(Buffer.alloc(3 * MiB)), {
        onMultipartCreate: async (id) => {
          ids.push(id);
          await new Promise((resolve) => setImmediate(resolve));
          throw storageError("PermissionDenied", "checkpoint cannot be saved");
        },
      }),
    );
    expect([e.code, e.detail]).toEqual(["PermissionDenied", "checkpoint cannot be saved"]);
    expect(driver.aborted).toEqual(ids);
    expect(driver.objects.has("o")).toBe(false);
  });

  it("a callback returning a value that is no promise (an array's push) goes on at once", async () => {
    const { driver, store } = open();
    const ids: string[] = [];
    await store.write("o", randomFillSync(Buffer.alloc(3 * MiB)), { onMultipartCreate: (id) => ids.push(id) });
    expect(driver.completed).toEqual(ids);
  });
});

describe("write: onMultipartCreate whose promise never settles", () => {
  it("does not hold the write past its signal: Aborted, no part sent, the new upload aborted", async () => {
    const { driver, store } = open();
    const controller = new AbortController();
    const ids: string[] = [];
    const write = store.write("o", randomFillSync(Buffer.alloc(3 * MiB)), {
      signal: controller.signal,
      onMultipartCreate: (id) => {
        ids.push(id);
        controller.abort();
        return new Promise<void>(() => undefined);
      },
    });
    const e = await rejection(write);
    expect(e.code).toBe("Aborted");
    expect(ids).toHaveLength(1);
    expect(driver.uploads.get(ids[0]!)?.size ?? 0).toBe(0);
    expect(driver.aborted).toEqual(ids);
  });
});

describe("write: a Readable body that fails before the write reads it", () => {
  it.each([
    ["while onMultipartCreate's promise is pending", "save"],
    ["while the upload is being initiated", "initiate"],
  ])("%s: the write fails with its error, no part stored, and no unhandled 'error' event ends the process", async (_label, when) => {
    const { driver, store } = open();
    if (when === "initiate") driver.createGate = new Gate();
    const body = new Readable({ read() {} });
    const ids: string[] = [];
    const write = store.write("o", body, {
      size: 3 * MiB,
      onMultipartCreate: async (id) => {
        ids.push(id);
        if (when === "save") {
          body.destroy(new Error("the source broke"));
          await turns();
        }
      },
    });
    await turns();
    if (when === "initiate") {
      // Nobody reads the body yet: an 'error' with no listener would end the process (jest reports it).
      body.destroy(new Error("the source broke"));
      await turns();
      driver.createGate!.open();
    }
    const e = await rejection(write);
    expect(e.message).toContain("the source broke");
    expect(driver.objects.has("o")).toBe(false);
    // Kept for the caller that saved its id (keepOnFailure), holding no part.
    expect(ids).toHaveLength(1);
    expect(driver.uploads.get(ids[0]!)?.size).toBe(0);
  });

  it("a missing file's read stream given with its expected size (multipart): the write rejects ENOENT, the process lives on (review-unhandled H2)", async () => {
    const { driver, store } = open();
    driver.createGate = new Gate();
    const body = createReadStream(join(tmpdir(), `stowage-missing-${process.pid}-${Date.now()}`));
    const write = store.write("o", body, { size: 3 * MiB });
    // The file's open fails ('error', then 'close') while the upload is being initiated, before the write reads the body.
    await new Promise<void>((resolve) => body.once("close", () => resolve()));
    driver.createGate.open();
    const e = await rejection(write);
    expect(e.message).toContain("ENOENT");
    expect(driver.objects.has("o")).toBe(false);
    expect(driver.aborted).toHaveLength(1);
  });
});
