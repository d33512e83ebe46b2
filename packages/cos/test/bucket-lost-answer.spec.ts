import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, type Servicer } from "@stowage/core";
import { startEmulator, type Emulator, type EmulatorCredential } from "@stowage/emulator";
import "../src/index.js";

const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };
let emulator: Emulator;
let servicer: Servicer;
let other: Servicer;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: ["taken-1250000000"], credentials: [A, B] });
  const open = (c: EmulatorCredential): Servicer => newServicer(`cos://?credential=hmac:${c.accessKey}:${c.secretKey}&endpoint=http:127.0.0.1:${emulator.port}${QUICK}`);
  servicer = open(A);
  other = open(B);
});

afterAll(async () => {
  await emulator.stop();
});

async function bucketNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const s of servicer.list()) names.push(s.info.name);
  return names;
}

describe("cos: bucket create and delete whose answer is lost", () => {
  it("a PUT Bucket that created the bucket but whose answer was lost succeeds (the retry is answered BucketAlreadyOwnedByYou)", async () => {
    emulator.setFaults([{ kind: "reset", operation: "CreateBucket", count: 1 }]);
    emulator.resetStats();
    const store = await servicer.create("lost-create-1250000000");
    expect(emulator.faults()[0]!.fired).toBe(1);
    expect(emulator.stats().byOperation).toEqual({ CreateBucket: 2 });
    expect(store.info.name).toBe("lost-create-1250000000");
    expect(await bucketNames()).toContain("lost-create-1250000000");
    await servicer.delete("lost-create-1250000000");
  });

  it("a DELETE Bucket that deleted the bucket but whose answer was lost succeeds (the retry's NoSuchBucket means it is gone)", async () => {
    await servicer.create("lost-delete-1250000000");
    emulator.setFaults([{ kind: "reset", operation: "DeleteBucket", count: 1 }]);
    await servicer.delete("lost-delete-1250000000");
    expect(emulator.faults()[0]!.fired).toBe(1);
    expect(await bucketNames()).not.toContain("lost-delete-1250000000");
  });

  it("without a lost answer, creating a bucket that exists is Conflict: BucketAlreadyOwnedByYou for its creator, BucketAlreadyExists for anyone else", async () => {
    emulator.setFaults([]);
    await servicer.create("mine-1250000000");
    await expect(servicer.create("mine-1250000000")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("BucketAlreadyOwnedByYou") });
    await expect(other.create("mine-1250000000")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("BucketAlreadyExists") });
    await expect(servicer.create("taken-1250000000")).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining("BucketAlreadyExists") });
    await servicer.delete("mine-1250000000");
    await expect(servicer.delete("mine-1250000000")).rejects.toMatchObject({ code: "ObjectNotExist", message: expect.stringContaining("NoSuchBucket") });
  });

  it("a lost answer for someone else's bucket stays Conflict: their BucketAlreadyExists is no success", async () => {
    await other.create("theirs-1250000000");
    emulator.setFaults([{ kind: "status", status: 500, operation: "CreateBucket", count: 1 }]);
    await expect(servicer.create("theirs-1250000000")).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining("BucketAlreadyExists") });
    expect(emulator.faults()[0]!.fired).toBe(1);
    emulator.setFaults([]);
    await other.delete("theirs-1250000000");
  });
});
