import { expect, it } from "@jest/globals";
import { runBucketLostAnswerSuite } from "@stowage/behavior-tests";
import { newServicer } from "@stowage/core";
import { startEmulator, type EmulatorCredential } from "@stowage/emulator";
import "../src/index.js";

const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };
/** Three retries, 1–2 ms apart, as the suite's servicers retry. */
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";

// The emulator serves zone pek3a; "elsewhere-qs" is in sh1a. Buckets created at start belong to every key.
runBucketLostAnswerSuite(
  () => startEmulator({ provider: "qingstor", region: "pek3a", buckets: ["taken-bucket", { name: "elsewhere-qs", region: "sh1a" }], credentials: [A, B] }),
  {
    provider: "qingstor",
    calls: { create: "PutBucket", delete: "DeleteBucket" },
    codes: { exists: "bucket_already_exists", missing: "bucket_not_exists" },
    bucket: (stem) => `${stem}-qs`,
    lostCreate: { retry: "the retry's bucket_already_exists is checked against the caller's own buckets (GET Service)", requests: { CreateBucket: 2, ListBuckets: 1 } },
    plainRefusals: { taken: "taken-bucket", missing: "never-was-here" },
    unreachable: {
      probe: "GET Service",
      codes: { internal: "internal_server_error", denied: "permission_denied" },
      // A HEAD answer has no body.
      errorBody: (code, requestId, method) => ({
        contentType: "application/json",
        ...(method === "HEAD" ? {} : { body: JSON.stringify({ code, message: "m", request_id: requestId }) }),
      }),
      requests: ["PUT /someone-elses", "PUT /someone-elses", "GET /?limit=100&offset=0"],
    },
    more: (ctx) => {
      it("a lost answer for another account's public-read bucket stays Conflict: HeadBucket would answer it, but GET Service does not list it", async () => {
        const { emulator, servicer } = ctx;
        const other = ctx.open(B);
        const theirs = await other.create("theirs-qs");
        await theirs.write("their-object", "x");
        // Readable by our key, as another account's public-read bucket is.
        expect((await servicer.get("theirs-qs").stat("their-object")).size).toBe(1);
        emulator.setFaults([{ kind: "status", status: 500, operation: "CreateBucket", count: 1 }]);
        emulator.resetStats();
        await expect(servicer.create("theirs-qs")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("bucket_already_exists") });
        expect(emulator.faults()[0]!.fired).toBe(1);
        expect(emulator.stats().byOperation).toEqual({ CreateBucket: 2, ListBuckets: 1 });
        emulator.setFaults([]);
        await theirs.delete("their-object");
        await other.delete("theirs-qs");
      });

      it("a lost answer for the caller's own bucket in another zone stays Conflict: the create asked for pek3a, the bucket is in sh1a", async () => {
        const { emulator } = ctx;
        const inPek3a = newServicer(`qingstor://?credential=hmac:${A.accessKey}:${A.secretKey}&endpoint=http:127.0.0.1:${emulator.port}&location=pek3a${QUICK}`);
        emulator.setFaults([{ kind: "status", status: 500, operation: "CreateBucket", count: 1 }]);
        emulator.resetStats();
        await expect(inPek3a.create("elsewhere-qs")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("bucket_already_exists") });
        expect(emulator.faults()[0]!.fired).toBe(1);
        expect(emulator.stats().byOperation).toEqual({ CreateBucket: 2, ListBuckets: 1 });
        emulator.setFaults([]);
      });

      it("a lost answer for the caller's own bucket in the zone asked for succeeds (location=pek3a)", async () => {
        const { emulator } = ctx;
        const inPek3a = newServicer(`qingstor://?credential=hmac:${A.accessKey}:${A.secretKey}&endpoint=http:127.0.0.1:${emulator.port}&location=pek3a${QUICK}`);
        emulator.setFaults([{ kind: "reset", operation: "CreateBucket", count: 1 }]);
        const store = await inPek3a.create("lost-in-zone-qs");
        expect(emulator.faults()[0]!.fired).toBe(1);
        expect(store.info.name).toBe("lost-in-zone-qs");
        emulator.setFaults([]);
        await inPek3a.delete("lost-in-zone-qs");
      });
    },
  },
);
