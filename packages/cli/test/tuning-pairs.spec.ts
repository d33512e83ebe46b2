/**
 * The CLI honours a destination's multipart_threshold, part_size and concurrency pairs: its own
 * flag defaults must not override them; flags the user gives do. Sizes parse as core parses pairs.
 * A "spy" service (memory underneath) records which driver primitives each write used.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { globalPairs, parsePairValue } from "@stowage/core";
import { parseRate, parseSize } from "../src/format.js";
import { bytes } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess } from "./cli-run.js";

const MiB = 1024 * 1024;
const calls: string[] = [];
const ws = useWorkspace();
const run = inProcess(ws);

/** What the last command asked of the driver: a single write, or a multipart upload of n parts. */
function used(): string {
  const parts = calls.filter((c) => c === "writePart").length;
  const how = calls.includes("createMultipart") ? `multipart ${parts}` : calls.includes("write") ? "single" : "nothing";
  calls.length = 0;
  return how;
}

useMemoryVariant("spytune", (driver) =>
  new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || !["write", "createMultipart", "writePart"].includes(String(prop))) return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }),
);

beforeAll(async () => {
  await writeFile(join(ws.work, "six.bin"), bytes(6 * MiB, 3));
});

describe("put - and cp honour the destination's tuning pairs", () => {
  it("put -: a multipart_threshold above the body gives one write (the flag default of 5MiB does not apply)", async () => {
    const r = await run(["put", "-", "spytune://t1/a.bin?multipart_threshold=64MiB&part_size=32MiB"], bytes(6 * MiB));
    expect(r.code).toBe(0);
    expect(used()).toBe("single");
  });

  it("put -: a lower multipart_threshold and part_size give parts of that size", async () => {
    const r = await run(["put", "-", "spytune://t1/b.bin?multipart_threshold=2MiB&part_size=1MiB"], bytes(3 * MiB));
    expect(r.code).toBe(0);
    expect(used()).toBe("multipart 3");
  });

  it("a flag given wins over the pair", async () => {
    const r = await run(["put", "--large-threshold", "1MiB", "--part-size", "2MiB", "-", "spytune://t1/c.bin?multipart_threshold=64MiB"], bytes(6 * MiB));
    expect(r.code).toBe(0);
    expect(used()).toBe("multipart 3");
  });

  it("cp of a file: the pairs apply as well", async () => {
    expect((await run(["cp", "--quiet", "six.bin", "spytune://t2/six.bin?multipart_threshold=64MiB"])).code).toBe(0);
    expect(used()).toBe("single");
    expect((await run(["cp", "--quiet", "six.bin", "spytune://t2/six2.bin?part_size=3MiB"])).code).toBe(0);
    expect(used()).toBe("multipart 2");
  });

  it("a profile's pairs apply too", async () => {
    const r = await run(["cp", "--quiet", "six.bin", "big:six.bin"], { env: { STOWAGE_PROFILE_BIG: "spytune://t3/?multipart_threshold=64MiB" } });
    expect(r.code).toBe(0);
    expect(used()).toBe("single");
  });
});

describe("sizes", () => {
  it.each(["64MB", "64M", "64MiB", "1.5K", "5m", "1048576", "2GB", "3 KiB"])("%s means the same as a flag and as a pair", (text) => {
    expect(parseSize(text)).toBe(parsePairValue(globalPairs.partSize, text));
  });

  it("64MB is 64,000,000 bytes and 64M 64 MiB", () => {
    expect(parseSize("64MB")).toBe(64_000_000);
    expect(parseSize("64M")).toBe(64 * MiB);
    expect(() => parseSize("lots")).toThrow(RangeError);
    // Sizes are exact (a Content-Length is never rounded); a rate may be a fraction of a unit, rounded down.
    expect(() => parseSize("1.3M")).toThrow(RangeError);
    expect(parseRate("1.3M")).toBe(Math.floor(1.3 * MiB));
    expect(parseRate("0.1G")).toBe(Math.floor(0.1 * 1024 * MiB));
    expect(parseRate("64MB")).toBe(64_000_000);
    expect(() => parseRate("1.3x")).toThrow(RangeError);
  });

  it("--part-size 3MB splits 6 MiB into 3 parts (3,000,000 bytes each), as part_size=3MB does", async () => {
    expect((await run(["put", "--part-size", "3MB", "--large-threshold", "1MB", "-", "spytune://t4/a.bin"], bytes(6 * MiB))).code).toBe(0);
    expect(used()).toBe("multipart 3");
    expect((await run(["put", "-", "spytune://t4/b.bin?part_size=3MB&multipart_threshold=1MB"], bytes(6 * MiB))).code).toBe(0);
    expect(used()).toBe("multipart 3");
  });
});
