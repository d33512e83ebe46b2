import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { isQingStorClockSkew, QINGSTOR_ERROR_CODES, qingstorError } from "../src/errors.js";
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
    expect(qingstorError(502, { code: "weird" }, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(qingstorError(500, { code: "internal_server_error" }, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(qingstorError(501, { code: "not_implemented" }, "x", undefined)).toMatchObject({ code: "CapabilityInsufficient", retryable: false });
    expect(qingstorError(400, { code: "invalid_argument" }, "x", undefined)).toMatchObject({ code: "InvalidArgument", retryable: false });
  });

  it("recognises clock-skew refusals", () => {
    expect(isQingStorClockSkew(parseErrorBody(fixture("error-request-expired.json")))).toBe(true);
    expect(isQingStorClockSkew({ code: "permission_denied" })).toBe(false);
    expect(isQingStorClockSkew(undefined)).toBe(false);
  });
});
