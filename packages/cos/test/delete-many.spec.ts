import { expect, it } from "@jest/globals";
import { runBatchDeleteSuite } from "@stowage/behavior-tests";
import { newStorager, type StorageError } from "@stowage/core";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";
import { deleteObjects } from "../src/requests.js";
import { rawServer } from "./raw-server.js";

runBatchDeleteSuite({
  provider: "cos",
  start: (buckets) => startEmulator({ provider: "cos", buckets }),
  buckets: ["delete-many-1250000000", "delete-root-1250000000"],
  errorCode: "InternalError",
  errorDocument: "an <Error>",
  keyErrors: { denied: "AccessDenied", invalid: "InvalidArgument" },
  xml: { request: "POST ?delete", deleteObjects },
  more: () => {
    it("a key the batch reports failed: the rejection names it with its code and the others as deleted, and no single DELETE follows", async () => {
      const server = await rawServer((req) =>
        req.method === "POST"
          ? { headers: { "content-type": "application/xml" }, body: `<?xml version="1.0"?><DeleteResult><Error><Key>b</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>` }
          : { status: 204 },
      );
      try {
        const s = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}&location=ap-guangzhou&max_retries=0`);
        const e = (await s.deleteMany(["a", "b", "c", "ctl\u0001key"]).catch((err: unknown) => err)) as StorageError;
        expect(e.code).toBe("PermissionDenied");
        expect(e.batch).toEqual({ failed: [{ path: "b", code: "PermissionDenied", serviceCode: "AccessDenied" }], deleted: ["a", "c"], notAttempted: ["ctl\u0001key"] });
        expect(e.detail).toContain('1 of 4 paths failed ("b" AccessDenied), 2 deleted, 1 not attempted');
        expect(server.requests.map((r) => r.method)).toEqual(["POST"]);
      } finally {
        await server.stop();
      }
    });
  },
});
