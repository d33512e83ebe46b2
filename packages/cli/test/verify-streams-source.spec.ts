/**
 * `stowage verify` holds the destination's listing (each source object looks its counterpart up)
 * but compares the source's objects as they are listed, never holding that listing whole: the
 * first comparisons are reported before the source's last page is even asked for.
 */
import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "@stowage/memory";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { watched } from "./cli-run.js";

const ws = useWorkspace();
/** Pages the source's listing asked for so far. */
let pages = 0;
useMemoryVariant("paged", (driver) => {
  const listPage = driver.listPage.bind(driver);
  driver.listPage = (request, options) => {
    pages++;
    return listPage(request, options);
  };
  return driver;
});

describe("verify", () => {
  it("compares the source's objects as they are listed: the first lines come before its last page", async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `d/k${String(i).padStart(4, "0")}`);
    for (const name of ["vsrc", "vdst"]) {
      const store = newStorager(`memory://${name}/`);
      for (let i = 0; i < keys.length; i += 250) await Promise.all(keys.slice(i, i + 250).map((k) => store.write(k, k)));
    }
    pages = 0;
    /** Pages listed when each `ok` line was written. */
    const pagesAtLine: number[] = [];
    let seen = 0;
    const { code, stdout } = await watched(ws)(["verify", "--verbose", "paged://vsrc/d/", "memory://vdst/d/"], {
      stdout: (all) => {
        // The lines completed since the last chunk.
        const lines = all.slice(seen).split("\n");
        lines.pop();
        seen = all.lastIndexOf("\n") + 1;
        for (const line of lines) if (line.startsWith("ok ")) pagesAtLine.push(pages);
      },
    });
    expect(code).toBe(0);
    expect(pagesAtLine).toHaveLength(keys.length);
    // The source takes 3 pages of 1,000; the first object is compared while the first page is the only one asked for.
    expect(pages).toBe(3);
    expect(pagesAtLine[0]).toBeLessThan(pages);
    expect(stdout.split("\n").filter((l) => l.startsWith("ok ")).map((l) => l.split(/\s+/)[1]).sort()).toEqual(keys.map((k) => k.slice(2)));
  });
});
