/**
 * `put -` reads stdin, whose length is unknown: `--expected-size` sizes its parts (a hint, not a
 * limit), as a file's size does. A memory variant that takes at most 4 parts an upload stands in
 * for a service's 10,000, so a few MiB cross it.
 */
import { describe, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineFeatures, newStorager, type StorageDriver } from "@stowage/core";
import { bytes } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess } from "./cli-run.js";

const MiB = 1024 * 1024;
const ws = useWorkspace();
const run = inProcess(ws);
/** Sizes of the parts the last command wrote. */
const parts: number[] = [];

useMemoryVariant("fourparts", (driver) => {
  const features = defineFeatures({ ...driver.features, limits: { ...driver.features.limits, multipartNumberMaximum: 4 } });
  return new Proxy(driver, {
    get(target, prop, receiver) {
      if (prop === "features") return features;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      if (prop !== "writePart") return (value as (...a: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        parts.push((args[3] as { size: number }).size);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as StorageDriver;
});

/** Uploads the last command on "smallparts" created. */
const created: string[] = [];

// At most 4 parts of at most 1 MiB: an object of 4 MiB at most.
useMemoryVariant("smallparts", (driver) => {
  const features = defineFeatures({ ...driver.features, limits: { ...driver.features.limits, multipartNumberMaximum: 4, multipartSizeMaximum: MiB } });
  return new Proxy(driver, {
    get(target, prop, receiver) {
      if (prop === "features") return features;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      if (prop !== "createMultipart") return (value as (...a: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        created.push(args[0] as string);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as StorageDriver;
});

/** The bytes stored at `key` of the variant's store `name`. */
async function stored(name: string, key: string): Promise<Buffer> {
  return newStorager(`fourparts://${name}/`).read(key);
}

describe("put - --expected-size", () => {
  const dest = (name: string): string => `fourparts://${name}/a.bin?multipart_threshold=1MiB&part_size=1MiB`;

  it("without it, stdin past part size × the part limit fails, naming what to give", async () => {
    parts.length = 0;
    const r = await run(["put", "-", dest("e1")], bytes(6 * MiB, 5));
    expect(r.code).toBe(11);
    expect(r.stderr).toContain("body needs more than 4 parts of 1048576 bytes");
    expect(r.stderr).toContain("put -: give --expected-size (about how many bytes stdin gives) or a larger --part-size");
    await expect(stored("e1", "a.bin")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("sizes the parts so that many bytes fit: 6 MiB in 2 MiB parts", async () => {
    parts.length = 0;
    const data = bytes(6 * MiB, 6);
    const r = await run(["put", "--expected-size", "6MiB", "-", dest("e2")], data);
    expect(r.code).toBe(0);
    expect(parts).toEqual([2 * MiB, 2 * MiB, 2 * MiB]);
    expect((await stored("e2", "a.bin")).equals(data)).toBe(true);
  });

  it("is a hint, not a limit: stdin longer than it is stored whole while it fits the parts", async () => {
    parts.length = 0;
    const data = bytes(7 * MiB + 5, 7);
    const r = await run(["put", "--expected-size", "5M", "-", dest("e3")], data);
    expect(r.code).toBe(0);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(data.length);
    expect((await stored("e3", "a.bin")).equals(data)).toBe(true);
  });

  it("more than the service stores in one object is refused before anything is sent (InvalidArgument, exit 11), naming both figures", async () => {
    // It used to be ignored: stdin went in parts of the part size, and failed once 4 of them were sent.
    created.length = 0;
    const r = await run(["put", "--expected-size", "5MiB", "-", `smallparts://e5/a.bin?multipart_threshold=1MiB&part_size=1MiB`], bytes(5 * MiB, 8));
    expect(r.code).toBe(11);
    expect(r.stderr).toContain(`a body expected to hold ${5 * MiB} bytes does not fit in one object: the service stores at most ${4 * MiB} bytes (4 parts of at most ${MiB} bytes)`);
    expect(created).toEqual([]);
    await expect(newStorager("smallparts://e5/").read("a.bin")).rejects.toMatchObject({ code: "ObjectNotExist" });
    // What it can hold, it sizes the parts for: 4 MiB expected, 1 MiB parts (the headroom stops at the largest parts).
    const data = bytes(4 * MiB, 9);
    const ok = await run(["put", "--expected-size", "4MiB", "-", `smallparts://e6/a.bin?multipart_threshold=1MiB&part_size=1MiB`], data);
    expect(ok.code).toBe(0);
    expect((await newStorager("smallparts://e6/").read("a.bin")).equals(data)).toBe(true);
  });

  it("is refused for a file, whose size is known (exit 2)", async () => {
    await writeFile(join(ws.work, "one.bin"), bytes(10, 1));
    const r = await run(["put", "--expected-size", "6MiB", "one.bin", dest("e4")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--expected-size is for put -");
  });
});
