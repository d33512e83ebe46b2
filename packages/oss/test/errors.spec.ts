import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { isOssClockSkew, OSS_ERROR_CODES, ossError } from "../src/errors.js";
import { isOssCredentialRejection } from "../src/credentials.js";
import { errorDocument, parseErrorBody } from "../src/responses.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("OSS error mapping", () => {
  it.each([
    ["NoSuchKey", "ObjectNotExist"],
    ["NoSuchBucket", "ObjectNotExist"],
    ["NoSuchUpload", "ObjectNotExist"],
    ["AccessDenied", "PermissionDenied"],
    ["SignatureDoesNotMatch", "PermissionDenied"],
    ["InvalidAccessKeyId", "PermissionDenied"],
    ["RequestTimeTooSkewed", "PermissionDenied"],
    ["PositionNotEqualToLength", "Conflict"],
    ["ObjectNotAppendable", "ObjectModeInvalid"],
    ["SymlinkTargetNotExist", "ObjectNotExist"],
    ["InvalidTargetType", "ObjectNotExist"],
    ["NotSymlink", "ObjectModeInvalid"],
    ["FileAlreadyExists", "Conflict"],
    ["BucketNotEmpty", "Conflict"],
    ["InvalidDigest", "IntegrityMismatch"],
    ["BadDigest", "IntegrityMismatch"],
    ["EntityTooSmall", "InvalidArgument"],
    ["InvalidObjectName", "InvalidArgument"],
    ["SlowDown", "RequestThrottled"],
    ["TotalQpsLimitExceeded", "RequestThrottled"],
    ["ServiceUnavailable", "ServiceInternal"],
    ["InternalError", "ServiceInternal"],
    ["NotImplemented", "CapabilityInsufficient"],
  ])("%s → %s", (oss, code) => {
    expect(OSS_ERROR_CODES[oss]).toBe(code);
  });

  it("builds the error from a saved NoSuchKey body with the body's request id and EC", async () => {
    const e = ossError(404, await parseErrorBody(fixture("error-nosuchkey.xml")), "get_object", undefined);
    expect(e.code).toBe("ObjectNotExist");
    expect(e.statusCode).toBe(404);
    expect(e.requestId).toBe("5C3D8D2A0ACA54D87B43****");
    expect(e.detail).toBe("get_object: NoSuchKey: The specified key does not exist. (EC 0026-00000001)");
    expect(e.retryable).toBe(false);
  });

  it("prefers the x-oss-request-id header, and maps an append position conflict", async () => {
    const e = ossError(409, await parseErrorBody(fixture("error-position.xml")), "append_object", "header-id");
    expect(e).toMatchObject({ code: "Conflict", requestId: "header-id", retryable: false });
  });

  it("maps a Complete refused by x-oss-forbid-overwrite (saved body, EC 0042-00000214) to Conflict, 409, not retryable", async () => {
    const e = ossError(409, await parseErrorBody(fixture("error-file-already-exists.xml")), "complete_multipart_upload", undefined);
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false, requestId: "65AF1D6D0ACA54D87B46****" });
    expect(e.detail).toBe("complete_multipart_upload: FileAlreadyExists: The object you specified already exists and can not be overwritten. (EC 0042-00000214)");
  });

  it("maps a Complete refused with InvalidPart (saved body: a part not uploaded, or unlike the uploaded one) to Conflict, not retryable; InvalidPartOrder stays InvalidArgument", async () => {
    const body = await parseErrorBody(fixture("error-invalid-part.xml"));
    const e = ossError(400, body, "complete_multipart_upload", undefined);
    expect(e).toMatchObject({ code: "Conflict", statusCode: 400, retryable: false, requestId: "5C3D8D2A0ACA54D87B44****" });
    expect(e.detail).toBe("complete_multipart_upload: InvalidPart: One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.");
    expect(ossError(400, { ...body!, code: "InvalidPartOrder" }, "complete_multipart_upload", undefined)).toMatchObject({ code: "InvalidArgument", retryable: false });
  });

  it("makes throttling and 5xx retryable", async () => {
    const t = ossError(503, await parseErrorBody(fixture("error-throttled.xml")), "put_object", "rid");
    expect(t).toMatchObject({ code: "RequestThrottled", retryable: true });
    expect(ossError(503, undefined, "head_object", "rid")).toMatchObject({ code: "RequestThrottled", retryable: true });
    expect(ossError(500, undefined, "head_object", "rid")).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(ossError(502, { code: "Weird" }, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: true });
  });

  it("falls back to the status for HEAD answers without a body", () => {
    expect(ossError(404, undefined, "head_object", "rid").code).toBe("ObjectNotExist");
    expect(ossError(403, undefined, "head_object", "rid").code).toBe("PermissionDenied");
    expect(ossError(412, undefined, "head_object", "rid").code).toBe("Conflict");
  });

  it("says what a body-less 404 or 403 (a HEAD) may mean: a missing bucket, or the credential", () => {
    expect(ossError(404, undefined, "head_object", "rid").detail).toBe("head_object: HTTP 404 (no such object, or no such bucket)");
    expect(ossError(403, undefined, "head_object", "rid").detail).toContain("check the credential");
  });

  it("maps a condition that did not hold (412, or 304 not modified) to Conflict, kept status, never retried", async () => {
    expect(OSS_ERROR_CODES["PreconditionFailed"]).toBe("Conflict");
    expect(OSS_ERROR_CODES["NotModified"]).toBe("Conflict");
    // A 304 has no body and no x-oss-err (the emulator sends x-oss-ec only).
    const bare304 = ossError(304, await errorDocument(Buffer.alloc(0), { "x-oss-ec": "0016-00000303" }), "head_object", "rid");
    expect(bare304).toMatchObject({ code: "Conflict", statusCode: 304, requestId: "rid", retryable: false });
    expect(bare304.detail).toBe("head_object: HTTP 304 (not modified) (EC 0016-00000303)");
    expect(ossError(304, undefined, "get_object", "rid")).toMatchObject({ code: "Conflict", statusCode: 304, retryable: false });
    const bare412 = ossError(412, undefined, "head_object", "rid");
    expect(bare412).toMatchObject({ code: "Conflict", statusCode: 412, retryable: false });
    expect(bare412.detail).toBe("head_object: HTTP 412 (precondition failed)");
    // A HEAD's 412 with the error document in x-oss-err; a GET's in the body.
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold.</Message><RequestId>rid-412</RequestId><Condition>If-Match</Condition><EC>0016-00000301</EC></Error>';
    const head = ossError(412, await errorDocument(Buffer.alloc(0), { "x-oss-err": Buffer.from(xml).toString("base64") }), "head_object", undefined);
    expect(head).toMatchObject({ code: "Conflict", statusCode: 412, requestId: "rid-412", retryable: false });
    expect(head.detail).toBe("head_object: PreconditionFailed: At least one of the pre-conditions you specified did not hold. (EC 0016-00000301)");
    const get = ossError(412, await errorDocument(Buffer.from(xml), {}), "get_object", "rid");
    expect(get).toMatchObject({ code: "Conflict", statusCode: 412, requestId: "rid", retryable: false });
    expect(ossError(304, { code: "NotModified" }, "get_object", undefined)).toMatchObject({ code: "Conflict", statusCode: 304 });
  });

  it("recognises clock-skew refusals", async () => {
    expect(isOssClockSkew(await parseErrorBody(fixture("error-skewed.xml")))).toBe(true);
    expect(isOssClockSkew({ code: "AccessDenied" })).toBe(false);
    expect(isOssClockSkew(undefined)).toBe(false);
  });
});

describe("OSS InvalidObjectState (an archived object not restored)", () => {
  it("is Conflict, not retried, its message saying to restore the object first with restore() or stowage restore; not a credential rejection", () => {
    const body = { code: "InvalidObjectState", message: "The operation is not valid for the object's state", ec: "0016-00000404" };
    const e = ossError(403, body, "get_object", "rid");
    expect(e).toMatchObject({ code: "Conflict", statusCode: 403, retryable: false, requestId: "rid" });
    expect(e.message).toContain("get_object: InvalidObjectState: The operation is not valid for the object's state (EC 0016-00000404);");
    expect(e.message).toMatch(/archive storage class \(Archive, ColdArchive, DeepColdArchive\) and must be restored before it can be read or copied; restore it first \(Storager restore\(\), or stowage restore\)/);
    expect(e.message).not.toMatch(/outside Stowage|no restore operation/);
    expect(isOssCredentialRejection(body)).toBe(false);
    expect(isOssClockSkew(body)).toBe(false);
  });
});

describe("RestoreAlreadyInProgress (a restore of an object being restored)", () => {
  it("is Conflict, not retried, saying a restore is under way", () => {
    const e = ossError(409, { code: "RestoreAlreadyInProgress", message: "Object restore is already in progress." }, "restore_object", "rid");
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(e.message).toContain("restore_object: RestoreAlreadyInProgress: Object restore is already in progress.; a restore of the object is under way already");
  });
});

describe("OSS credentialRefused", () => {
  const refused = (code: string): boolean => ossError(403, { code, message: "refused" }, "put_object", "r1").credentialRefused;

  it("is set for InvalidAccessKeyId, SecurityTokenExpired and InvalidSecurityToken , and only for them", () => {
    for (const code of ["InvalidAccessKeyId", "SecurityTokenExpired", "InvalidSecurityToken"]) expect([code, refused(code)]).toEqual([code, true]);
    for (const code of ["AccessDenied", "SignatureDoesNotMatch", "RequestTimeTooSkewed", "NoSuchKey"]) expect([code, refused(code)]).toEqual([code, false]);
    expect(ossError(403, undefined, "head_object", "r1").credentialRefused).toBe(false);
  });
});

describe("a service error code named like an inherited member of any object", () => {
  it("is no entry of the code tables: the status decides, and nothing inherited shows", () => {
    for (const code of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const e = ossError(404, { code, message: "m" } as never, "get_object", undefined);
      expect(e.code).toBe("ObjectNotExist");
      expect(e.message).not.toContain("native code");
      expect(ossError(503, { code, message: "m" } as never, "get_object", undefined).code).toBe("RequestThrottled");
    }
  });
});
