/**
 * `StorageError.serviceCode` (the service's own code word) survives where core builds a new error
 * from a service's failure instead of rethrowing it: a deleteMany's rejection (one by one and in
 * batches), a multipart upload whose abort failed, and the driver helpers that add to a failure's
 * message (a lost append, an aborted append, a changed copy source, a moved source looked at
 * again, an SSE-C copy source, a restore of an object in no archive class, the link walk before a
 * move). So `isMissingBucket(e)` stays true through them.
 */
import { describe, expect, it } from "@jest/globals";
import { randomFillSync } from "node:crypto";
import { abortedAppendError } from "../src/driver/append-aborted.js";
import { runBatchDelete } from "../src/driver/batch-delete.js";
import { judgeLostAppend } from "../src/driver/lost-append.js";
import { isMissingBucket } from "../src/driver/missing-bucket.js";
import { copySourceChanged, movedSourceUnchanged } from "../src/driver/moved-source-check.js";
import { restoreArchivedObject, type RestoreFlow } from "../src/driver/restore-flow.js";
import { statSseCSource } from "../src/driver/sse-c-source.js";
import type { DriverCallOptions } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { contextOf, storageError, type StorageError } from "../src/errors/storage-error.js";
import type { BufferedResponse } from "../src/http/http-response.js";
import { runUpload } from "../src/multipart/upload-cleanup.js";
import { openGated } from "./gated-driver.js";
import { openRecording } from "./recording-driver.js";
import { rejection } from "./rejection.js";
import { relocateStore } from "./relocate-store.js";

/** A service's 404 for a bucket that does not exist, as a driver's error mapper gives it. */
const noBucket = (): StorageError => storageError(ErrorCode.ObjectNotExist, "delete_object: NoSuchBucket", { statusCode: 404, requestId: "r-1", service: "rec", serviceCode: "NoSuchBucket" });

describe("contextOf", () => {
  it("carries the service's code word with the rest of the answer's context", () => {
    expect(contextOf(noBucket())).toEqual({ service: "rec", statusCode: 404, requestId: "r-1", serviceCode: "NoSuchBucket" });
  });
});

describe("delete and deleteMany keep the service code of the failure they reject with", () => {
  it("delete of a key in a missing bucket", async () => {
    const { driver, store } = openRecording("/w/");
    driver.delete = async () => Promise.reject(noBucket());
    const e = await rejection(store.delete("a"));
    expect(isMissingBucket(e)).toBe(true);
    expect(e.op).toBe("delete");
  });

  it("deleteMany one by one (no batch delete): the first failure's code word, with the batch", async () => {
    const { driver, store } = openGated();
    driver.delete = async () => Promise.reject(noBucket());
    const e = await rejection(store.deleteMany(["a", "b"]));
    expect(isMissingBucket(e)).toBe(true);
    expect(e.serviceCode).toBe("NoSuchBucket");
    expect(e.statusCode).toBe(404);
    expect(e.batch?.failed.map((f) => f.path)).toEqual(expect.arrayContaining(["a"]));
  });

  it("deleteMany in batches, the request failing as a whole", async () => {
    const { driver, store } = openRecording("/w/");
    driver.deleteMany = async () => Promise.reject(noBucket());
    const e = await rejection(store.deleteMany(["a", "b"]));
    expect(isMissingBucket(e)).toBe(true);
    expect(e.batch).toEqual({ failed: [{ path: "a", code: "ObjectNotExist" }, { path: "b", code: "ObjectNotExist" }], deleted: [], notAttempted: [] });
  });

  it("deleteMany through runBatchDelete, its batch request failing as a whole", async () => {
    const { driver, store } = openRecording("/w/");
    driver.deleteMany = async (keys: string[]) => runBatchDelete(keys, { fitsBatch: () => true, batch: async () => Promise.reject(noBucket()), single: async () => undefined });
    const e = await rejection(store.deleteMany(["a", "b"]));
    expect(isMissingBucket(e)).toBe(true);
  });

  it("but an answer naming a key that was not sent is core's Unexpected, with no service code of a key's", async () => {
    const refused = storageError(ErrorCode.PermissionDenied, "AccessDenied", { statusCode: 200, serviceCode: "AccessDenied" });
    const e = await rejection(runBatchDelete(["a"], { fitsBatch: () => true, batch: async () => [{ key: "zz", error: refused, serviceCode: "AccessDenied" }], single: async () => undefined }));
    expect(e.code).toBe("Unexpected");
    expect(e.serviceCode).toBeUndefined();
    expect(e.statusCode).toBe(200);
  });
});

describe("a multipart upload whose abort failed keeps its failure's service code", () => {
  it("write: a part refused for a missing bucket, and the abort refused too", async () => {
    const { driver, store } = openGated();
    driver.failPart.set(1, async () => noBucket());
    driver.abortMultipart = async () => Promise.reject(storageError(ErrorCode.PermissionDenied, "AccessDenied", { statusCode: 403, serviceCode: "AccessDenied" }));
    const MiB = 1024 * 1024;
    const e = await rejection(store.write("o", randomFillSync(Buffer.alloc(3 * MiB))));
    expect(e.detail).toContain("may be left on the service");
    expect(isMissingBucket(e)).toBe(true);
    expect(e.requestId).toBe("r-1");
  });

  it("runUpload: a failure after Initiate whose abort failed", async () => {
    const e = await rejection(
      runUpload({
        key: "dst",
        signal: undefined,
        create: async () => "up-1",
        run: async () => Promise.reject(noBucket()),
        complete: async () => "done",
        abort: async () => Promise.reject(storageError(ErrorCode.ServiceInternal, "boom")),
      }),
    );
    expect(e.detail).toContain('multipart upload "up-1" of key "dst" may be left on the service');
    expect(isMissingBucket(e)).toBe(true);
    expect(e.service).toBe("rec");
  });
});

describe("driver helpers that add to a failure's message keep its service code", () => {
  const conflict = (serviceCode: string): StorageError => storageError(ErrorCode.Conflict, `append_object: ${serviceCode}`, { statusCode: 409, serviceCode });

  it("a lost append whose outcome is unknown", async () => {
    const e = await rejection(judgeLostAppend(conflict("PositionNotEqualToLength"), 5, async () => ({ unknown: "the object changed" })));
    expect(e.detail).toContain("do not retry it blindly");
    expect(e.serviceCode).toBe("PositionNotEqualToLength");
  });

  it("an append aborted while under way", () => {
    const aborted = storageError(ErrorCode.Aborted, "append_object: aborted", { statusCode: 503, serviceCode: "SlowDown" });
    const e = abortedAppendError(aborted, 0, 4) as StorageError;
    expect(e.detail).toContain("the append may have been applied");
    expect(e.serviceCode).toBe("SlowDown");
  });

  it("a copy source that changed (a pinned copy's precondition failure)", () => {
    const e = copySourceChanged(storageError(ErrorCode.Conflict, "copy_object: PreconditionFailed", { statusCode: 412, serviceCode: "PreconditionFailed" }), '"e1"') as StorageError;
    expect(e.detail).toMatch(/^the copy source changed/);
    expect(e.serviceCode).toBe("PreconditionFailed");
  });

  it("a moved source that could not be looked at again", async () => {
    const stat = async (): Promise<never> => Promise.reject(noBucket());
    const refused = async (): Promise<never> => Promise.reject(storageError(ErrorCode.PermissionDenied, "head_object: AccessDenied", { statusCode: 403, serviceCode: "AccessDenied" }));
    const e = await rejection(movedSourceUnchanged(refused, "k", { key: "k", mode: "file" }, {} as DriverCallOptions));
    expect(e.detail).toContain("the source is kept");
    expect(e.serviceCode).toBe("AccessDenied");
    // A source that is gone is no failure (nothing to delete).
    await expect(movedSourceUnchanged(stat, "k", { key: "k", mode: "file" }, {})).resolves.toBe(false);
  });

  it("an SSE-C copy source that answers neither with the key nor without", async () => {
    const keyed = storageError(ErrorCode.InvalidArgument, "head_object: InvalidRequest", { statusCode: 400, serviceCode: "InvalidRequest", path: "src" });
    const e = await rejection(statSseCSource(async (withKey) => Promise.reject(withKey ? keyed : storageError(ErrorCode.InvalidArgument, "plain")), true));
    expect(e.detail).toContain("give the copy-source key");
    expect(e).toMatchObject({ serviceCode: "InvalidRequest", statusCode: 400, path: "src" });
  });

  it("a restore of an object in no archive class", async () => {
    const refused = storageError(ErrorCode.InvalidArgument, "restore_object: OperationNotSupported", { statusCode: 400, serviceCode: "OperationNotSupported" });
    const flow: RestoreFlow<{ code?: string }> = {
      stat: async () => ({ key: "k", mode: "file", size: 1, storageClass: "COLD" }),
      check: () => undefined,
      send: async () => Promise.reject(refused),
      errorDocument: async () => undefined,
      errorFrom: (res: BufferedResponse) => storageError(ErrorCode.Conflict, String(res.status)),
      notArchived: (e) => e.serviceCode === "OperationNotSupported",
      restores: "TEST restores COLD objects only",
    };
    const e = await rejection(restoreArchivedObject("k", undefined, flow));
    expect(e.code).toBe("ObjectModeInvalid");
    expect(e.serviceCode).toBe("OperationNotSupported");
  });

  it("the link walk before a move, its source refused by the service", async () => {
    const s = relocateStore({
      features: { createLink: true },
      stat: async () => Promise.reject(storageError(ErrorCode.PermissionDenied, "head_object: AccessDenied", { statusCode: 403, serviceCode: "AccessDenied" })),
      copy: async () => undefined,
      move: async () => undefined,
    });
    const e = await rejection(s.move("a", "b"));
    expect(e.detail).toContain("nothing was moved");
    expect(e).toMatchObject({ code: "PermissionDenied", serviceCode: "AccessDenied", op: "move" });
  });

  it("keeps no code word it is not given: a failure without one stays without", () => {
    expect((abortedAppendError(storageError(ErrorCode.Aborted, "aborted"), 0, 1) as StorageError).serviceCode).toBeUndefined();
    expect(contextOf(storageError(ErrorCode.Unexpected, "no answer"))).toEqual({});
  });
});
