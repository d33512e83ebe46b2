import { expect, it } from "@jest/globals";
import { runBatchDeleteSuite } from "@stowage/behavior-tests";
import type { StorageError } from "@stowage/core";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";
import { deleteObjects } from "../src/requests.js";

runBatchDeleteSuite({
  provider: "oss",
  start: (buckets) => startEmulator({ provider: "oss", buckets }),
  buckets: ["delete-many", "delete-root"],
  errorCode: "InternalError",
  errorDocument: "an <Error>",
  xml: { request: "DeleteMultipleObjects", deleteObjects },
  more: (ctx) => {
    it("a batch that failed as a whole: no DeleteObject follows for the keys XML cannot carry, which are not attempted", async () => {
      const { emulator, store } = ctx;
      await store.write("ctl\u0001key", "x");
      emulator.setFaults([{ kind: "status", status: 500, operation: "DeleteObjects" }]);
      emulator.resetStats();
      try {
        const e = (await store.deleteMany(["a", "ctl\u0001key", "b"]).catch((err: unknown) => err)) as StorageError;
        expect(e.code).toBe("ServiceInternal");
        expect(e.batch).toEqual({ failed: [{ path: "a", code: "ServiceInternal" }, { path: "b", code: "ServiceInternal" }], deleted: [], notAttempted: ["ctl\u0001key"] });
        expect(emulator.stats().byOperation["DeleteObject"]).toBeUndefined();
      } finally {
        emulator.setFaults([]);
      }
      await store.deleteMany(["a", "ctl\u0001key", "b"]);
      expect(await ctx.names()).toEqual([]);
    });
  },
});
