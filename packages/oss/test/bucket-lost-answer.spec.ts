import { expect, it } from "@jest/globals";
import { runBucketLostAnswerSuite } from "@stowage/behavior-tests";
import { newServicer } from "@stowage/core";
import { startEmulator, type EmulatorCredential } from "@stowage/emulator";
import "../src/index.js";

const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };
/** Three retries, 1–2 ms apart, as the suite's servicers retry. */
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";

// The emulator serves cn-hangzhou; "elsewhere-oss" is in cn-beijing. Buckets created at start belong to every key.
runBucketLostAnswerSuite(
  () => startEmulator({ provider: "oss", region: "cn-hangzhou", buckets: ["taken-bucket", { name: "elsewhere-oss", region: "cn-beijing" }], credentials: [A, B] }),
  {
    provider: "oss",
    calls: { create: "PutBucket", delete: "DeleteBucket" },
    codes: { exists: "BucketAlreadyExists", missing: "NoSuchBucket" },
    lostCreate: { retry: "the retry's BucketAlreadyExists is checked against the caller's own buckets (GetService with the name as prefix)", requests: { CreateBucket: 2, ListBuckets: 1 } },
    plainRefusals: { taken: "taken-bucket", missing: "never-was-here" },
    unreachable: {
      probe: "GetService",
      codes: { internal: "InternalError", denied: "AccessDenied" },
      errorBody: (code, requestId) => ({
        contentType: "application/xml",
        body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message><RequestId>${requestId}</RequestId></Error>`,
      }),
      requests: ["PUT /someone-elses/", "PUT /someone-elses/", "GET /?max-keys=1000&prefix=someone-elses"],
    },
    more: (ctx) => {
      it("a lost answer for another key's bucket stays Conflict: GetService does not list it (GetBucketInfo is refused to it as well)", async () => {
        const { emulator, servicer } = ctx;
        const other = ctx.open(B);
        const theirs = await other.create("theirs-oss");
        await theirs.write("their-object", "x");
        emulator.setFaults([{ kind: "status", status: 500, operation: "CreateBucket", count: 1 }]);
        emulator.resetStats();
        await expect(servicer.create("theirs-oss")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("BucketAlreadyExists") });
        expect(emulator.faults()[0]!.fired).toBe(1);
        expect(emulator.stats().byOperation).toEqual({ CreateBucket: 2, ListBuckets: 1 });
        emulator.setFaults([]);
        await theirs.delete("their-object");
        await other.delete("theirs-oss");
      });

      it("a lost answer for the caller's own bucket in another region stays Conflict: the create asked for cn-hangzhou, the bucket is in cn-beijing", async () => {
        const { emulator } = ctx;
        const inHangzhou = newServicer(`oss://?credential=hmac:${A.accessKey}:${A.secretKey}&endpoint=http:127.0.0.1:${emulator.port}&location=cn-hangzhou${QUICK}`);
        emulator.setFaults([{ kind: "status", status: 500, operation: "CreateBucket", count: 1 }]);
        emulator.resetStats();
        await expect(inHangzhou.create("elsewhere-oss")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("BucketAlreadyExists") });
        expect(emulator.faults()[0]!.fired).toBe(1);
        expect(emulator.stats().byOperation).toEqual({ CreateBucket: 2, ListBuckets: 1 });
        emulator.setFaults([]);
      });

      it("a lost answer for the caller's own bucket in the region asked for succeeds (location=cn-hangzhou)", async () => {
        const { emulator } = ctx;
        const inHangzhou = newServicer(`oss://?credential=hmac:${A.accessKey}:${A.secretKey}&endpoint=http:127.0.0.1:${emulator.port}&location=cn-hangzhou${QUICK}`);
        emulator.setFaults([{ kind: "reset", operation: "CreateBucket", count: 1 }]);
        emulator.resetStats();
        const store = await inHangzhou.create("lost-in-region-oss");
        expect(emulator.faults()[0]!.fired).toBe(1);
        expect(emulator.stats().byOperation).toEqual({ CreateBucket: 2, ListBuckets: 1 });
        expect(store.info.name).toBe("lost-in-region-oss");
        emulator.setFaults([]);
        await inHangzhou.delete("lost-in-region-oss");
      });
    },
  },
);
