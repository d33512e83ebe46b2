/**
 * A read stream destroyed while its read is still opening closes the driver's body quietly:
 * the body that the abort destroys with `Aborted` must not become an uncaught 'error' (it crashed
 * an in-process `stowage cp -r` of empty objects from memory to fs).
 */
import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "../src/index.js";

describe("memory: destroying a read stream while it opens", () => {
  it.each([
    ["whole", {}],
    ["ranged", { offset: 1, size: 3 }],
    ["concurrent", { readConcurrency: 2, readPartSize: 4 }],
  ])("leaves no uncaught error (%s read)", async (_name, options) => {
    const store = newStorager(`memory://destroy-open-${Math.random().toString(36).slice(2)}/`);
    await store.write("x", "0123456789");
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown): void => void uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      for (let i = 0; i < 20; i++) {
        const s = store.createReadStream("x", options);
        s.on("error", () => undefined);
        s.resume();
        await new Promise<void>((resolve) => process.nextTick(() => (s.destroy(), resolve())));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
  });
});
