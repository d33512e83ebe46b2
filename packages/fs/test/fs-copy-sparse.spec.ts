import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { sandbox, type Sandbox } from "./setup.js";

// A copy of a sparse file (fewer blocks allocated than its size: a VM image, a database file)
// leaves its runs of zeros as holes instead of writing them out, as cp(1) does: the same bytes,
// and the destination no fuller than the source. A dense file is copied as it was.

const MIB = 1024 * 1024;
const SIZE = 64 * MIB;

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

/** Bytes the file `name` has allocated on disk. */
const allocated = async (name: string): Promise<number> => (await stat(join(s.root, name))).blocks * 512;

describe("fs copy: a sparse file", () => {
  it("keeps its holes: the same bytes, a few blocks allocated, its full size", async () => {
    const handle = await open(join(s.root, "sparse"), "w");
    // Data at the start, in the middle (not on a 64 KiB boundary), and just before the end; holes between.
    for (const [at, text] of [
      [0, "head"],
      [20 * MIB + 12345, "middle"],
      [SIZE - 4, "tail"],
    ] as const) {
      await handle.write(Buffer.from(text), 0, text.length, at);
    }
    await handle.close();
    // The premise: this filesystem keeps holes.
    expect(await allocated("sparse")).toBeLessThan(SIZE / 4);
    await s.driver.copy(s.key("sparse"), s.key("copy"), {});
    const [source, copy] = await Promise.all([readFile(join(s.root, "sparse")), readFile(join(s.root, "copy"))]);
    expect(copy.length).toBe(SIZE);
    expect(copy.equals(source)).toBe(true);
    expect(await allocated("copy")).toBeLessThan(SIZE / 4);
  });

  it("a sparse file ending in a hole keeps its length", async () => {
    const handle = await open(join(s.root, "sparse"), "w");
    await handle.write(Buffer.from("data"), 0, 4, 0);
    await handle.truncate(SIZE);
    await handle.close();
    await s.driver.copy(s.key("sparse"), s.key("copy"), {});
    expect((await stat(join(s.root, "copy"))).size).toBe(SIZE);
    expect((await readFile(join(s.root, "copy"))).equals(await readFile(join(s.root, "sparse")))).toBe(true);
  });
});
