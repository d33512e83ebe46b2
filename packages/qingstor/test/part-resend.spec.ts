/**
 * A part QingStor stored with other bytes (its MD5 ETag contradicts what was sent) is sent once
 * more, as COS and OSS do with a CRC-64 that differs; stored wrong twice, the upload is aborted,
 * even when it would be kept for resuming.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "resend-bucket";
const MiB = 1024 * 1024;
let emulator: Emulator;
let store: Storager;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  store = newStorager(emulator.connectionString(BUCKET));
});
afterAll(async () => {
  await emulator.stop();
});

async function uploadsLeft(path: string): Promise<number> {
  const page = await store.listPage("", { mode: "part", limit: 100 });
  return page.items.filter((i) => i.path === path).length;
}

describe("qingstor: a part stored with other bytes", () => {
  it("is sent once more, and the object holds the right bytes", async () => {
    // Parts of 4 MiB (QingStor's smallest): the second of three is stored corrupted once.
    const body = randomBytes(10 * MiB);
    emulator.setFaults([{ kind: "flip-byte", operation: "UploadPart", skip: 1, count: 1 }]);
    await store.write("once.bin", body, { multipartThreshold: MiB, partSize: 4 * MiB, concurrency: 2 });
    expect(emulator.faults()[0]!.fired).toBe(1);
    expect((await store.read("once.bin")).equals(body)).toBe(true);
    expect(await uploadsLeft("once.bin")).toBe(0);
  });

  it("stored wrong twice, the write fails with IntegrityMismatch and the upload is aborted, even with onMultipartCreate (kept for resuming)", async () => {
    emulator.setFaults([{ kind: "flip-byte", operation: "UploadPart", count: 2 }]);
    let kept: string | undefined;
    const body = randomBytes(6 * MiB);
    await expect(
      store.write("twice.bin", body, { multipartThreshold: MiB, partSize: 4 * MiB, concurrency: 1, onMultipartCreate: (id: string) => void (kept = id) }),
    ).rejects.toMatchObject({ code: "IntegrityMismatch" });
    expect(kept).toBeDefined();
    expect(emulator.faults()[0]!.fired).toBe(2);
    expect(await uploadsLeft("twice.bin")).toBe(0);
    await expect(store.stat("twice.bin")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
