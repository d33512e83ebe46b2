import { expect } from "@jest/globals";
import type { Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";
import { refuse, registerTransferCases } from "./transfer.js";

/** Ports TestMover M1, M2, MD1/MV1 (§7.6) and §1.3's "a second move → ObjectNotExist". */
export function registerMoveCases(suite: Suite): void {
  registerTransferCases(suite, "move");

  suite.gated(
    "move: a second move of the same source rejects with ObjectNotExist",
    ["move"],
    async (t) => {
      const src = t.key();
      const dst = t.key();
      const data = randomData(64);
      await t.store.write(src, data);
      await t.store.move(src, dst);
      await expectError(() => t.store.move(src, dst), "ObjectNotExist");
      expectSameBytes(await t.store.read(dst), data);
      expect((await t.store.stat(dst)).size).toBe(64);
    },
    (t) => refuse(t, "move"),
  );
}
