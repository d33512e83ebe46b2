import { expect, it } from "@jest/globals";
import { runBucketLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator, type EmulatorCredential } from "@stowage/emulator";
import "../src/index.js";

const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };

runBucketLostAnswerSuite(() => startEmulator({ provider: "cos", buckets: ["taken-1250000000"], credentials: [A, B] }), {
  provider: "cos",
  calls: { create: "PUT Bucket", delete: "DELETE Bucket" },
  codes: { exists: "BucketAlreadyExists", missing: "NoSuchBucket" },
  bucket: (stem) => `${stem}-1250000000`,
  lostCreate: { retry: "the retry is answered BucketAlreadyOwnedByYou", requests: { CreateBucket: 2 }, only: true },
  more: (ctx) => {
    it("without a lost answer, creating a bucket that exists is Conflict: BucketAlreadyOwnedByYou for its creator, BucketAlreadyExists for anyone else", async () => {
      const { emulator, servicer } = ctx;
      const other = ctx.open(B);
      emulator.setFaults([]);
      await servicer.create("mine-1250000000");
      await expect(servicer.create("mine-1250000000")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("BucketAlreadyOwnedByYou") });
      await expect(other.create("mine-1250000000")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("BucketAlreadyExists") });
      await expect(servicer.create("taken-1250000000")).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining("BucketAlreadyExists") });
      await servicer.delete("mine-1250000000");
      await expect(servicer.delete("mine-1250000000")).rejects.toMatchObject({ code: "ObjectNotExist", message: expect.stringContaining("NoSuchBucket") });
    });

    it("a lost answer for someone else's bucket stays Conflict: their BucketAlreadyExists is no success", async () => {
      const { emulator, servicer } = ctx;
      const other = ctx.open(B);
      await other.create("theirs-1250000000");
      emulator.setFaults([{ kind: "status", status: 500, operation: "CreateBucket", count: 1 }]);
      await expect(servicer.create("theirs-1250000000")).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining("BucketAlreadyExists") });
      expect(emulator.faults()[0]!.fired).toBe(1);
      emulator.setFaults([]);
      await other.delete("theirs-1250000000");
    });
  },
});
