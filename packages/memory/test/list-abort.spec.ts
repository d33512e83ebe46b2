/**
 * Storager.list on memory after an abort: nothing more is yielded, not even the rest of the page
 * already fetched; the next step throws `Aborted`.
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type ObjectInfo } from "@stowage/core";
import "../src/index.js";

describe("memory list aborted by its consumer", () => {
  it.each(["prefix", "dir"] as const)("(%s mode, limit 2) aborted after item 1 yields 1 item, then Aborted", async (mode) => {
    const store = newStorager(`memory://list-abort-${mode}/`);
    for (let i = 0; i < 5; i++) await store.write(`L/${i}`, "x");
    const controller = new AbortController();
    const seen: ObjectInfo[] = [];
    let error: unknown;
    try {
      for await (const o of store.list("L/", { signal: controller.signal, limit: 2, mode })) {
        seen.push(o);
        if (seen.length === 1) controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(seen.map((o) => o.path)).toEqual(["L/0"]);
    expect(isStorageError(error, "Aborted")).toBe(true);
  });

  it("a listing with a signal that is not aborted yields every item of every page", async () => {
    const store = newStorager("memory://list-abort-whole/");
    for (let i = 0; i < 5; i++) await store.write(`L/${i}`, "x");
    const paths: string[] = [];
    for await (const o of store.list("L/", { signal: new AbortController().signal, limit: 2, mode: "prefix" })) paths.push(o.path);
    expect(paths).toEqual(["L/0", "L/1", "L/2", "L/3", "L/4"]);
  });
});
