import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { COS_ERROR_CODES, cosError, isCosClockSkew } from "../src/errors.js";
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

  it("falls back to the status for HEAD answers without a body", () => {
    expect(cosError(404, undefined, "head_object", "rid").code).toBe("ObjectNotExist");
    expect(cosError(403, undefined, "head_object", "rid").code).toBe("PermissionDenied");
    const e = cosError(503, undefined, "head_object", "rid");
    expect(e.code).toBe("RequestThrottled");
    expect(e.retryable).toBe(true);
    expect(cosError(502, { code: "Weird" }, "x", undefined)).toMatchObject({ code: "ServiceInternal", retryable: true });
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
