// A Buffer written to fs reports progress per 8 MiB slice as it goes to disk (review-progress L3: one
// event, after the whole body was written), so a listener that throws stops it before the object is replaced.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { newStorager, type Progress } from "@stowage/core";
import "../src/index.js";
import { sandbox, type Sandbox } from "./setup.js";

const MiB = 1024 * 1024;
let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs: progress of a single (not multipart) Buffer write", () => {
  it("comes per 8 MiB slice, ending at { size, size }", async () => {
    const store = newStorager(`fs://${s.root}/`);
    const events: Progress[] = [];
    const data = Buffer.alloc(20 * MiB, 7);
    await store.write("big.bin", data, { multipartThreshold: 1024 * MiB, onProgress: (p) => void events.push(p) });
    expect(events).toEqual([8 * MiB, 16 * MiB, 20 * MiB].map((bytes) => ({ bytes, total: 20 * MiB })));
  });

  it("a listener that throws at the first slice leaves the old object and no temporary file", async () => {
    const store = newStorager(`fs://${s.root}/`);
    await writeFile(`${s.root}/big.bin`, "old");
    const write = store.write("big.bin", Buffer.alloc(20 * MiB, 7), {
      multipartThreshold: 1024 * MiB,
      onProgress: () => {
        throw new Error("stop");
      },
    });
    await expect(write).rejects.toMatchObject({ code: "Unexpected" });
    expect(await readFile(`${s.root}/big.bin`, "utf8")).toBe("old");
    expect(await readdir(s.root)).toEqual(["big.bin"]);
  });
});
