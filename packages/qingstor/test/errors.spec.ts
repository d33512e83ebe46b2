import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { isQingStorClockSkew, QINGSTOR_ERROR_CODES, qingstorError, sseCContext } from "../src/errors.js";
import { parseErrorBody } from "../src/responses.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("QingStor error mapping", () => {
  it.each([
    ["object_not_exists", "ObjectNotExist"],
    ["bucket_not_exists", "ObjectNotExist"],
    ["upload_not_exists", "ObjectNotExist"],
    ["permission_denied", "PermissionDenied"],
    ["invalid_access_key_id", "PermissionDenied"],
    ["signature_not_matched", "PermissionDenied"],
    ["request_expired", "PermissionDenied"],
    ["invalid_append_position", "Conflict"],
    ["bucket_not_empty", "Conflict"],
    ["bad_digest", "IntegrityMismatch"],
    ["too_many_requests", "RequestThrottled"],
    ["fetch_throttled", "RequestThrottled"],
    ["invalid_object_state", "ObjectModeInvalid"],
    ["entity_too_small", "InvalidArgument"],
    ["internal_server_error", "ServiceInternal"],
  ])("%s → %s", (qs, code) => {
    expect(QINGSTOR_ERROR_CODES[qs]).toBe(code);
  });

  it("builds the error from a saved body with the body's request id", () => {
    const e = qingstorError(404, parseErrorBody(fixture("error-object-not-exists.json")), "get_object", undefined);
    expect(e.code).toBe("ObjectNotExist");
    expect(e.statusCode).toBe(404);
    expect(e.requestId).toBe("aa08cf7a43f611e5886952542e6ce14b");
    expect(e.detail).toBe("get_object: object_not_exists: The object you are accessing does not exist.");
    expect(e.retryable).toBe(false);
  });

  it("prefers the X-QS-Request-ID header", () => {
    expect(qingstorError(404, parseErrorBody(fixture("error-object-not-exists.json")), "get_object", "from-header").requestId).toBe("from-header");
  });

  it("falls back to the status for HEAD answers without a body, and marks 5xx/429 retryable", () => {
    expect(qingstorError(404, undefined, "head_object", "rid").code).toBe("ObjectNotExist");
    expect(qingstorError(401, undefined, "head_object", "rid").code).toBe("PermissionDenied");
    expect(qingstorError(429, undefined, "x", undefined)).toMatchObject({ code: "RequestThrottled", retryable: true });
    expect(qingstorError(503, undefined, "x", undefined)).toMatchObject({ code: "RequestThrottled", retryable: true });
    expect(qingstorError(503, { code: "service_unavailable" }, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(qingstorError(502, { code: "weird" }, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(qingstorError(500, { code: "internal_server_error" }, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(qingstorError(501, { code: "not_implemented" }, "x", undefined)).toMatchObject({ code: "CapabilityInsufficient", retryable: false });
    expect(qingstorError(501, undefined, "x", undefined)).toMatchObject({ code: "CapabilityInsufficient", retryable: false });
    expect(qingstorError(505, undefined, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: false });
    expect(qingstorError(400, { code: "invalid_argument" }, "x", undefined)).toMatchObject({ code: "InvalidArgument", retryable: false });
  });

  it("says what a body-less 404 or 403 (a HEAD) may mean: a missing bucket, or the credential", () => {
    expect(qingstorError(404, parseErrorBody(Buffer.alloc(0)), "head_object", "rid").detail).toBe("head_object: HTTP 404 (no such object, or no such bucket)");
    expect(qingstorError(403, parseErrorBody(Buffer.alloc(0)), "head_object", "rid").detail).toContain("check the credential");
  });

  it("names the SSE-C customer key in a body-less 400 or 403: one the request carried, or one a HEAD may need; never the key", () => {
    const key = "c2VjcmV0LWtleS1vZi0zMi1ieXRlcy0xMjM0NTY3ODk=";
    const keyed = { method: "HEAD", headers: { "x-qs-encryption-customer-algorithm": "AES256", "x-qs-encryption-customer-key": key } };
    const copyKeyed = { method: "PUT", headers: { "x-qs-copy-source-encryption-customer-algorithm": "AES256", "x-qs-copy-source-encryption-customer-key": key } };
    expect(sseCContext(keyed)).toBe("keyed");
    expect(sseCContext(copyKeyed)).toBe("keyed");
    expect(sseCContext({ method: "HEAD", headers: {} })).toBe("head");
    expect(sseCContext({ method: "GET", headers: {} })).toBeUndefined();
    const wrong = qingstorError(403, undefined, "head_object", "rid", sseCContext(keyed));
    expect(wrong).toMatchObject({ code: "PermissionDenied", statusCode: 403 });
    expect(wrong.detail).toContain("the SSE-C customer key the request carried may not be the one the object was written with");
    expect(wrong.message).not.toContain(key);
    expect(qingstorError(400, undefined, "head_object", "rid", sseCContext(keyed)).detail).toContain("the SSE-C customer key the request carried may be wrong");
    expect(qingstorError(400, undefined, "head_object", "rid", "head").detail).toContain("a HEAD needs that key: give it with `encryption_customer_key`");
    // A 400 of a request that is not a HEAD, or one with an error document, says what it says.
    expect(qingstorError(400, undefined, "get_object", "rid").detail).toBe("get_object: HTTP 400");
    expect(qingstorError(403, { code: "permission_denied", message: "m" }, "head_object", "rid", "keyed").detail).toBe("head_object: permission_denied: m");
  });

  it("maps a condition that did not hold (412, or 304 not modified) to Conflict, kept status, never retried", () => {
    expect(QINGSTOR_ERROR_CODES["precondition_failed"]).toBe("Conflict");
    expect(QINGSTOR_ERROR_CODES["not_modified"]).toBe("Conflict");
    // HEAD answers and 304s have no body.
    const head412 = qingstorError(412, parseErrorBody(Buffer.alloc(0)), "head_object", "rid");
    expect(head412).toMatchObject({ code: "Conflict", statusCode: 412, requestId: "rid", retryable: false });
    expect(head412.detail).toBe("head_object: HTTP 412 (precondition failed)");
    const get304 = qingstorError(304, parseErrorBody(Buffer.alloc(0)), "get_object", "rid");
    expect(get304).toMatchObject({ code: "Conflict", statusCode: 304, retryable: false });
    expect(get304.detail).toBe("get_object: HTTP 304 (not modified)");
    // A GET's 412 carries the JSON error document.
    const body = Buffer.from(JSON.stringify({ code: "precondition_failed", message: "At least one of the pre-conditions you specified did not hold.", request_id: "rid-412" }));
    const get412 = qingstorError(412, parseErrorBody(body), "get_object", undefined);
    expect(get412).toMatchObject({ code: "Conflict", statusCode: 412, requestId: "rid-412", retryable: false });
    expect(get412.detail).toBe("get_object: precondition_failed: At least one of the pre-conditions you specified did not hold.");
    expect(qingstorError(304, { code: "not_modified" }, "get_object", undefined)).toMatchObject({ code: "Conflict", statusCode: 304 });
  });

  it("recognises clock-skew refusals", () => {
    expect(isQingStorClockSkew(parseErrorBody(fixture("error-request-expired.json")))).toBe(true);
    expect(isQingStorClockSkew({ code: "permission_denied" })).toBe(false);
    expect(isQingStorClockSkew(undefined)).toBe(false);
  });
});

describe("QingStor credentialRefused", () => {
  it("is set for invalid_access_key_id only (not permission_denied, a refused signature or request_expired)", () => {
    expect(qingstorError(401, { code: "invalid_access_key_id", message: "no such key" }, "put_object", "r1").credentialRefused).toBe(true);
    for (const code of ["permission_denied", "signature_not_matched", "request_expired"]) {
      expect([code, qingstorError(403, { code, message: "refused" }, "put_object", "r1").credentialRefused]).toEqual([code, false]);
    }
  });
});

describe("a service error code named like an inherited member of any object", () => {
  it("is no entry of the code tables: the status decides, and nothing inherited shows", () => {
    for (const code of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const e = qingstorError(404, { code, message: "m" } as never, "get_object", undefined);
      expect(e.code).toBe("ObjectNotExist");
      expect(e.message).not.toContain("native code");
      expect(qingstorError(503, { code, message: "m" } as never, "get_object", undefined).code).toBe("RequestThrottled");
    }
  });
});
