import { expect } from "@jest/globals";
import type { ObjectInfo, Part, Storager } from "@stowage/core";
import type { FaultEmulator } from "./fault-context.js";

/**
 * Completes `obj`'s upload while the emulator holds the first CompleteMultipartUpload and then
 * fails it without doing anything; the upload is aborted meanwhile (after core checked the parts
 * against it), so the retried Complete finds no upload. Expects the call to fail with
 * `ObjectNotExist` (404): a driver must not take the retry's "no such upload" for the first
 * attempt's success unless the object there is the parts'. Clears the faults.
 */
export async function completeWhileUploadGoes(emulator: FaultEmulator, store: Storager, obj: ObjectInfo, parts: Part[]): Promise<void> {
  emulator.setFaults([
    { kind: "delay", ms: 300, operation: "CompleteMultipartUpload", count: 1 },
    { kind: "status", status: 500, operation: "CompleteMultipartUpload", count: 1 },
  ]);
  try {
    const completing = store.completeMultipart(obj, parts);
    completing.catch(() => undefined);
    for (let i = 0; i < 200 && emulator.faults()[0]!.fired === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await store.delete(obj.path, { multipartId: obj.multipartId! });
    await expect(completing).rejects.toMatchObject({ code: "ObjectNotExist", statusCode: 404 });
    expect(emulator.faults().map((f) => f.fired)).toEqual([1, 1]);
  } finally {
    emulator.setFaults([]);
  }
}
