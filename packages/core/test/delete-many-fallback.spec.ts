/**
 * deleteMany on a storage without batch delete deletes one object at a time, 8 at once. When one
 * fails, no further delete starts, and the call rejects only after those in flight settled: the
 * storage does not change after the caller saw the failure.
 */
import { describe, expect, it } from "@jest/globals";
import { storageError } from "../src/errors/storage-error.js";
import { openGated } from "./gated-driver.js";

describe("deleteMany without batch delete", () => {
  it("stops starting deletes after a failure, and rejects once the ones in flight are done", async () => {
    const { driver, store } = openGated();
    const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    for (const k of keys) driver.objects.set(k, Buffer.from(k));
    const started: string[] = [];
    let settledAfter = 0;
    let rejected = false;
    driver.delete = async (key: string): Promise<void> => {
      started.push(key);
      if (key === "k03") throw storageError("PermissionDenied", "no");
      // The others take a few turns, so several are in flight when k03 fails.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      if (rejected) settledAfter++;
      driver.objects.delete(key);
    };
    await expect(store.deleteMany(keys).finally(() => (rejected = true))).rejects.toMatchObject({ code: "PermissionDenied" });
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(settledAfter).toBe(0);
    // The first 8 started at once; nothing started after the failure.
    expect(started).toEqual(keys.slice(0, 8));
    expect(driver.objects.size).toBe(40 - 7);
  });

  it("deletes everything when nothing fails", async () => {
    const { driver, store } = openGated();
    for (let i = 0; i < 30; i++) driver.objects.set(`k${i}`, Buffer.from("x"));
    await store.deleteMany(Array.from({ length: 30 }, (_, i) => `k${i}`));
    expect(driver.objects.size).toBe(0);
  });
});
