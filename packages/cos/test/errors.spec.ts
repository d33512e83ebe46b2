import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { COS_ERROR_CODES, cosError, isCosClockSkew, sseCContext } from "../src/errors.js";
import { isCosCredentialRejection } from "../src/credentials.js";
import { parseErrorBody } from "../src/responses.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("COS error mapping", () => {
  it("maps the documented codes", () => {
    expect(COS_ERROR_CODES["NoSuchKey"]).toBe("ObjectNotExist");
    expect(COS_ERROR_CODES["NoSuchUpload"]).toBe("ObjectNotExist");
    expect(COS_ERROR_CODES["AccessDenied"]).toBe("PermissionDenied");
    expect(COS_ERROR_CODES["SignatureDoesNotMatch"]).toBe("PermissionDenied");
    expect(COS_ERROR_CODES["SlowDown"]).toBe("RequestThrottled");
    expect(COS_ERROR_CODES["BadDigest"]).toBe("IntegrityMismatch");
    expect(COS_ERROR_CODES["PositionNotEqualToLength"]).toBe("Conflict");
    expect(COS_ERROR_CODES["ObjectNotAppendable"]).toBe("ObjectModeInvalid");
    expect(COS_ERROR_CODES["EntityTooSmall"]).toBe("InvalidArgument");
    expect(COS_ERROR_CODES["InternalError"]).toBe("ServiceInternal");
  });

  it("builds the error from a saved NoSuchKey body with the body's request id", async () => {
    const e = cosError(404, await parseErrorBody(fixture("error-nosuchkey.xml")), "get_object", undefined);
    expect(e.code).toBe("ObjectNotExist");
    expect(e.statusCode).toBe(404);
    expect(e.requestId).toBe("NjE0ZGE5NjZfOGRiNDA4MGJfMjQxMDFfMmM0****");
    expect(e.detail).toBe("get_object: NoSuchKey: The specified key does not exist.");
    expect(e.retryable).toBe(false);
  });

  it("maps a write refused by x-cos-forbid-overwrite (saved body; FileAlreadyExists or ObjectAlreadyExists) to Conflict, 409, not retryable", async () => {
    const body = await parseErrorBody(fixture("error-forbid-overwrite.xml"));
    const e = cosError(409, body, "put_object", "rid");
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false, requestId: "rid" });
    expect(e.detail).toBe("put_object: FileAlreadyExists: The object you specified already exists and can not be overwritten.");
    expect(cosError(409, { ...body, code: "ObjectAlreadyExists" }, "complete_multipart_upload", undefined)).toMatchObject({ code: "Conflict", retryable: false });
    // Inside a 200 (Complete may answer so): still Conflict, not retried.
    expect(cosError(200, body, "complete_multipart_upload", undefined)).toMatchObject({ code: "Conflict", statusCode: 200, retryable: false });
  });

  it("falls back to the status for HEAD answers without a body", () => {
    expect(cosError(404, undefined, "head_object", "rid").code).toBe("ObjectNotExist");
    expect(cosError(403, undefined, "head_object", "rid").code).toBe("PermissionDenied");
    const e = cosError(503, undefined, "head_object", "rid");
    expect(e.code).toBe("RequestThrottled");
    expect(e.retryable).toBe(true);
    expect(cosError(502, { code: "Weird" }, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: true });
  });

  it("says what a body-less 404 or 403 (a HEAD) may mean: a missing bucket, or the credential", () => {
    expect(cosError(404, undefined, "head_object", "rid").detail).toBe("head_object: HTTP 404 (no such object, or no such bucket)");
    expect(cosError(403, undefined, "head_object", "rid").detail).toContain("check the credential");
  });

  it("names the SSE-C customer key in a body-less 400 or 403: one the request carried, or one a HEAD may need; never the key", () => {
    const key = "c2VjcmV0LWtleS1vZi0zMi1ieXRlcy0xMjM0NTY3ODk=";
    const keyed = { method: "HEAD", headers: { "x-cos-server-side-encryption-customer-algorithm": "AES256", "x-cos-server-side-encryption-customer-key": key } };
    const copyKeyed = { method: "PUT", headers: { "x-cos-copy-source-server-side-encryption-customer-algorithm": "AES256", "x-cos-copy-source-server-side-encryption-customer-key": key } };
    expect(sseCContext(keyed)).toBe("keyed");
    expect(sseCContext(copyKeyed)).toBe("keyed");
    expect(sseCContext({ method: "HEAD", headers: {} })).toBe("head");
    expect(sseCContext({ method: "GET", headers: {} })).toBeUndefined();
    const wrong = cosError(403, undefined, "head_object", "rid", sseCContext(keyed));
    expect(wrong).toMatchObject({ code: "PermissionDenied", statusCode: 403 });
    expect(wrong.detail).toContain("the SSE-C customer key the request carried may not be the one the object was written with");
    expect(wrong.message).not.toContain(key);
    expect(cosError(400, undefined, "head_object", "rid", sseCContext(keyed)).detail).toContain("the SSE-C customer key the request carried may be wrong");
    expect(cosError(400, undefined, "head_object", "rid", "head").detail).toContain("a HEAD needs that key: give it with `server_side_encryption_customer_key`");
    // A 400 of a request that is not a HEAD, or one with an error document, says what it says.
    expect(cosError(400, undefined, "get_object", "rid").detail).toBe("get_object: HTTP 400");
    expect(cosError(403, { code: "AccessDenied", message: "m" }, "head_object", "rid", "keyed").detail).toBe("head_object: AccessDenied: m");
  });

  it("maps a condition that did not hold (412, or 304 not modified) to Conflict, kept status, never retried", () => {
    expect(COS_ERROR_CODES["PreconditionFailed"]).toBe("Conflict");
    expect(COS_ERROR_CODES["NotModified"]).toBe("Conflict");
    // HEAD answers, and a 304 on GET, have no body.
    const head412 = cosError(412, undefined, "head_object", "rid");
    expect(head412).toMatchObject({ code: "Conflict", statusCode: 412, requestId: "rid", retryable: false });
    expect(head412.detail).toBe("head_object: HTTP 412 (precondition failed)");
    const get304 = cosError(304, undefined, "get_object", "rid");
    expect(get304).toMatchObject({ code: "Conflict", statusCode: 304, retryable: false });
    expect(get304.detail).toBe("get_object: HTTP 304 (not modified)");
  });

  it("maps a GET's 412 PreconditionFailed body to Conflict", async () => {
    const body = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold.</Message><RequestId>rid-412</RequestId></Error>',
    );
    const e = cosError(412, await parseErrorBody(body), "get_object", undefined);
    expect(e).toMatchObject({ code: "Conflict", statusCode: 412, requestId: "rid-412", retryable: false });
    expect(e.detail).toBe("get_object: PreconditionFailed: At least one of the pre-conditions you specified did not hold.");
    expect(cosError(304, { code: "NotModified" }, "get_object", undefined)).toMatchObject({ code: "Conflict", statusCode: 304, retryable: false });
  });

  it("maps a Complete refused with InvalidPart (saved body: a part not uploaded, or unlike the uploaded one) to Conflict, not retryable; InvalidPartOrder stays InvalidArgument", async () => {
    const body = await parseErrorBody(fixture("error-invalid-part.xml"));
    const e = cosError(400, body, "complete_multipart_upload", undefined);
    expect(e).toMatchObject({ code: "Conflict", statusCode: 400, retryable: false, requestId: "NjE0ZGE5NjZfOGRiNDA4MGJfMjQxMDFfMmM1****" });
    expect(e.detail).toBe("complete_multipart_upload: InvalidPart: One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.");
    // Inside a 200 (Complete may answer so): the same.
    expect(cosError(200, body, "complete_multipart_upload", undefined)).toMatchObject({ code: "Conflict", retryable: false });
    expect(cosError(400, { ...body, code: "InvalidPartOrder" }, "complete_multipart_upload", undefined)).toMatchObject({ code: "InvalidArgument", retryable: false });
  });

  it("treats an InternalError inside a 200 as a retryable ServiceInternal", async () => {
    const e = cosError(200, await parseErrorBody(fixture("complete-error-200.xml")), "complete_multipart_upload", "rid");
    expect(e.code).toBe("ServiceInternal");
    expect(e.retryable).toBe(true);
    expect(e.statusCode).toBe(200);
  });

  it("recognises clock-skew refusals", async () => {
    expect(isCosClockSkew(await parseErrorBody(fixture("error-skewed.xml")), 403)).toBe(true);
    expect(isCosClockSkew({ code: "AccessDenied", message: "Request has expired" }, 403)).toBe(true);
    expect(isCosClockSkew({ code: "AccessDenied", message: "Access Denied." }, 403)).toBe(false);
    expect(isCosClockSkew(undefined, 403)).toBe(false);
  });
});

describe("COS InvalidObjectState (an archived object not restored)", () => {
  it("is Conflict, not retried, its message saying to restore the object first with restore() or stowage restore; not a credential rejection", () => {
    const body = { code: "InvalidObjectState", message: "The operation is not valid for the object's storage class" };
    const e = cosError(403, body, "get_object", "rid");
    expect(e).toMatchObject({ code: "Conflict", statusCode: 403, retryable: false, requestId: "rid" });
    expect(e.message).toContain("get_object: InvalidObjectState: The operation is not valid for the object's storage class;");
    expect(e.message).toMatch(/archive storage class \(ARCHIVE, DEEP_ARCHIVE\) and must be restored before it can be read or copied; restore it first \(Storager restore\(\), or stowage restore\)/);
    expect(e.message).not.toMatch(/outside Stowage|no restore operation/);
    expect(isCosCredentialRejection(body)).toBe(false);
    expect(isCosClockSkew(body, 403)).toBe(false);
  });
});

describe("RestoreAlreadyInProgress (a restore of an object being restored)", () => {
  it("is Conflict, not retried, saying a restore is under way", () => {
    const e = cosError(409, { code: "RestoreAlreadyInProgress", message: "Object restore is already in progress." }, "restore_object", "rid");
    expect(e).toMatchObject({ code: "Conflict", statusCode: 409, retryable: false });
    expect(e.message).toContain("restore_object: RestoreAlreadyInProgress: Object restore is already in progress.; a restore of the object is under way already");
  });
});

describe("COS credentialRefused", () => {
  const refused = (code: string, message = "refused"): boolean => cosError(403, { code, message }, "put_object", "r1").credentialRefused;

  it("is set for a refusal of the credential itself: unknown key, expired or invalid token, an AccessDenied saying the token expired", () => {
    for (const code of ["InvalidAccessKeyId", "ExpiredToken", "InvalidSecurityToken"]) expect([code, refused(code)]).toEqual([code, true]);
    expect(refused("AccessDenied", "The security token included in the request is expired")).toBe(true);
    const e = cosError(403, { code: "ExpiredToken", message: "expired" }, "put_object", "r1");
    expect(e.toJSON()["credentialRefused"]).toBe(true);
    // Kept when core adds its context.
    expect(e.withContext({ op: "write", path: "a" }).credentialRefused).toBe(true);
  });

  it("is not set for a policy's AccessDenied, a refused signature, a clock skew, a HEAD without a body or other codes", () => {
    for (const code of ["AccessDenied", "SignatureDoesNotMatch", "RequestTimeTooSkewed", "UserDisable", "NoSuchKey"]) expect([code, refused(code)]).toEqual([code, false]);
    expect(cosError(403, undefined, "head_object", "r1").credentialRefused).toBe(false);
    expect(cosError(403, { code: "AccessDenied", message: "x" }, "put_object", "r1").toJSON()).not.toHaveProperty("credentialRefused");
  });
});

describe("a service error code named like an inherited member of any object", () => {
  it("is no entry of the code tables: the status decides, and nothing inherited shows", () => {
    for (const code of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const e = cosError(404, { code, message: "m" } as never, "get_object", undefined);
      expect(e.code).toBe("ObjectNotExist");
      expect(e.message).not.toContain("native code");
      expect(cosError(503, { code, message: "m" } as never, "get_object", undefined).code).toBe("RequestThrottled");
    }
  });
});
