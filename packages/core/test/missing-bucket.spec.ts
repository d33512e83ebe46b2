import { describe, expect, it } from "@jest/globals";
import { goneIsDone, isMissingBucket, MISSING_BUCKET_CODES } from "../src/driver/missing-bucket.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";

const missing = (code: ErrorCode, serviceCode?: string, message = "delete_object: the answer") => storageError(code, message, { statusCode: 404, ...(serviceCode === undefined ? {} : { serviceCode }) });

describe("StorageError.serviceCode", () => {
  it("keeps a service's code word, survives withContext, and shows in toJSON", () => {
    const e = missing(ErrorCode.ObjectNotExist, "NoSuchBucket");
    expect(e.serviceCode).toBe("NoSuchBucket");
    expect(e.withContext({ op: "delete", service: "cos" }).serviceCode).toBe("NoSuchBucket");
    expect(e.toJSON()["serviceCode"]).toBe("NoSuchBucket");
    expect(missing(ErrorCode.ObjectNotExist, "upload_not_exists").serviceCode).toBe("upload_not_exists");
    expect(missing(ErrorCode.ObjectNotExist).withContext({ serviceCode: "NoSuchKey" }).serviceCode).toBe("NoSuchKey");
    expect("serviceCode" in missing(ErrorCode.ObjectNotExist).toJSON()).toBe(false);
  });

  it("drops anything that is not a code word (a message, a secret-looking value, a non-string), so it can carry no secret", () => {
    for (const bad of ["No Such Bucket", "AKIDabc/def+ghi=", "x".repeat(65), "", "code\n", "-lead"]) {
      expect(missing(ErrorCode.ObjectNotExist, bad).serviceCode).toBeUndefined();
    }
    expect(storageError(ErrorCode.ObjectNotExist, "m", { serviceCode: 42 as unknown as string }).serviceCode).toBeUndefined();
  });
});

describe("isMissingBucket", () => {
  it("is true for an ObjectNotExist whose service code says the bucket is missing", () => {
    expect([...MISSING_BUCKET_CODES].sort()).toEqual(["NoSuchBucket", "bucket_not_exists"]);
    expect(isMissingBucket(missing(ErrorCode.ObjectNotExist, "NoSuchBucket"))).toBe(true);
    expect(isMissingBucket(missing(ErrorCode.ObjectNotExist, "bucket_not_exists").withContext({ op: "delete" }))).toBe(true);
  });

  it("is false for a missing key or upload, a body-less 404, another code, or a message that only says so", () => {
    expect(isMissingBucket(missing(ErrorCode.ObjectNotExist, "NoSuchKey"))).toBe(false);
    expect(isMissingBucket(missing(ErrorCode.ObjectNotExist, "upload_not_exists"))).toBe(false);
    expect(isMissingBucket(missing(ErrorCode.ObjectNotExist))).toBe(false);
    expect(isMissingBucket(missing(ErrorCode.ObjectNotExist, undefined, "delete_object: NoSuchBucket: The specified bucket does not exist."))).toBe(false);
    expect(isMissingBucket(missing(ErrorCode.PermissionDenied, "NoSuchBucket"))).toBe(false);
    expect(isMissingBucket(new Error("NoSuchBucket"))).toBe(false);
    expect(isMissingBucket(undefined)).toBe(false);
  });
});

describe("goneIsDone", () => {
  it("resolves when the request does, or fails with a missing key or upload", async () => {
    await expect(goneIsDone(Promise.resolve("ok"))).resolves.toBeUndefined();
    await expect(goneIsDone(Promise.reject(missing(ErrorCode.ObjectNotExist, "NoSuchUpload")))).resolves.toBeUndefined();
    await expect(goneIsDone(Promise.reject(missing(ErrorCode.ObjectNotExist)))).resolves.toBeUndefined();
  });

  it("rethrows a missing bucket and every other failure", async () => {
    for (const e of [missing(ErrorCode.ObjectNotExist, "NoSuchBucket"), missing(ErrorCode.ObjectNotExist, "bucket_not_exists"), missing(ErrorCode.PermissionDenied, "AccessDenied"), storageError(ErrorCode.Aborted, "aborted"), new Error("boom")]) {
      await expect(goneIsDone(Promise.reject(e))).rejects.toBe(e);
    }
  });
});
