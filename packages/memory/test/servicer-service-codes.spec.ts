/**
 * The memory servicer names its failures with the service codes the cloud servicers give, so code
 * tested on memory meets the same cases: deleting a store that does not exist is an
 * `ObjectNotExist` `isMissingBucket` recognises (`NoSuchBucket`), as on COS, OSS and QingStor.
 */
import { describe, expect, it } from "@jest/globals";
import { isMissingBucket, isStorageError, newServicer } from "@stowage/core";
import "../src/index.js";

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("the call succeeded");
    },
    (e: unknown) => e,
  );
}

describe("memory servicer: service codes", () => {
  const servicer = newServicer("memory://");

  it("delete of a store that does not exist is ObjectNotExist NoSuchBucket, a missing bucket", async () => {
    const e = await failure(servicer.delete("svc-codes-never"));
    expect(isStorageError(e) && { code: e.code, serviceCode: e.serviceCode, op: e.op }).toEqual({ code: "ObjectNotExist", serviceCode: "NoSuchBucket", op: "servicer_delete" });
    expect(isMissingBucket(e)).toBe(true);
  });

  it("create of a store that exists is Conflict BucketAlreadyExists; delete of one not empty Conflict BucketNotEmpty", async () => {
    const store = await servicer.create("svc-codes-full");
    await store.write("k", "v");
    expect(await failure(servicer.create("svc-codes-full"))).toMatchObject({ code: "Conflict", serviceCode: "BucketAlreadyExists" });
    const notEmpty = await failure(servicer.delete("svc-codes-full"));
    expect(notEmpty).toMatchObject({ code: "Conflict", serviceCode: "BucketNotEmpty" });
    expect(isMissingBucket(notEmpty)).toBe(false);
    await store.delete("k");
    await servicer.delete("svc-codes-full");
  });
});
