import { describe, expect, it } from "@jest/globals";
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import "@stowage/cos";
import "@stowage/memory";
import type { DriverCallOptions, DriverReadResult, StorageDriver } from "../src/driver/storage-driver.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { getService } from "../src/registry/registry.js";
import { createStorager } from "../src/storager/create-storager.js";
import type { Storager } from "../src/storager.js";

// A read whose body keeps ending short fails once its resumes are used up. The message names
// `max_retries` only where the storager takes that pair (HTTP drivers); memory and fs refuse the
// pair at open, and make 3 resumes whatever is given.

/**
 * A storager of `type` opened from `connection` whose driver's reads deliver at most one byte of
 * what they were asked for, then end cleanly; `stat` and `read` answer from `objects` (no I/O).
 */
function shortReads(type: string, connection: string, objects: Map<string, Buffer>): { store: Storager; reads: number[] } {
  const definition = getService(type)!;
  const resolved = resolveOpenConfig(definition, connection, "storager");
  const real = definition.newStorageDriver(resolved.config);
  const reads: number[] = [];
  const raw = (key: string) => {
    const data = objects.get(key)!;
    return { key, mode: "file" as const, size: data.length, etag: '"v1"' };
  };
  const driver = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "stat") return async (key: string) => raw(key);
      if (prop === "read") {
        return async (key: string, range: { offset?: number; size?: number }, _options: DriverCallOptions): Promise<DriverReadResult> => {
          const start = range.offset ?? 0;
          reads.push(start);
          return { stream: Readable.from([objects.get(key)!.subarray(start, start + 1)]), object: raw(key) };
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  }) as StorageDriver;
  return { store: createStorager(driver, { ...resolved, definition }), reads };
}

describe("a read whose resumes are used up", () => {
  const objects = new Map([["obj", Buffer.from("0123456789")]]);

  it("on memory (no max_retries pair): says how many resumes it made, and does not name max_retries", async () => {
    const { store, reads } = shortReads("memory", `memory://resumes-${randomUUID()}/`, objects);
    const e = await store.read("obj").catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect((e as Error).message).toContain("the body ended after 4 of 10 bytes, and its 3 resumes are used up");
    expect((e as Error).message).not.toContain("max_retries");
    expect(reads).toEqual([0, 1, 2, 3]);
  });

  it("on an HTTP driver (COS): names max_retries, given or not", async () => {
    const base = "cos://examplebucket-1250000000/?credential=hmac:AK:SK&location=ap-guangzhou&retry_base_delay=1ms&retry_max_delay=2ms";
    const given = shortReads("cos", `${base}&max_retries=2`, objects);
    const e = await given.store.read("obj").catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect((e as Error).message).toContain("the body ended after 3 of 10 bytes, and its 2 resumes are used up (max_retries)");
    expect(given.reads).toEqual([0, 1, 2]);

    const defaulted = shortReads("cos", base, objects);
    const d = await defaulted.store.read("obj").catch((x: unknown) => x);
    expect((d as Error).message).toContain("the body ended after 4 of 10 bytes, and its 3 resumes are used up (max_retries)");

    const one = shortReads("cos", `${base}&max_retries=1`, objects);
    expect(((await one.store.read("obj").catch((x: unknown) => x)) as Error).message).toContain("and its 1 resume is used up (max_retries)");

    const off = shortReads("cos", `${base}&max_retries=0`, objects);
    expect(((await off.store.read("obj").catch((x: unknown) => x)) as Error).message).toContain("the body ended after 1 of 10 bytes, and resuming is off (max_retries=0)");
  });
});
