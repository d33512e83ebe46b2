/**
 * COS's retry verdicts for answers a retry can cure: `OperationAborted` (409: a conflicting
 * operation is in progress, "try again") is a retryable `Conflict`, while other conflicts are not;
 * a bare 408 (Request Timeout) or 425 (Too Early) is a retryable `ServiceInternal`, while other
 * unlisted 4xx statuses stay non-retryable.
 */
import { describe, expect, it } from "@jest/globals";
import { cosError } from "../src/errors.js";

describe("cos: retry verdicts", () => {
  it("OperationAborted is a retryable Conflict, keeping its service code", () => {
    const e = cosError(409, { code: "OperationAborted", message: "A conflicting conditional operation is currently in progress against this resource. Please try again." }, "put_bucket", "rid");
    expect(e).toMatchObject({ code: "Conflict", retryable: true, serviceCode: "OperationAborted", statusCode: 409 });
  });

  it("another conflict is not retryable", () => {
    expect(cosError(409, { code: "BucketNotEmpty", message: "not empty" }, "delete_bucket", "rid")).toMatchObject({ code: "Conflict", retryable: false });
  });

  it.each([408, 425])("a bare %i is a retryable ServiceInternal", (status) => {
    expect(cosError(status, undefined, "get_object", "rid")).toMatchObject({ code: "ServiceInternal", retryable: true, statusCode: status });
  });

  it.each([402, 415, 422])("a bare %i is a non-retryable Unexpected", (status) => {
    expect(cosError(status, undefined, "get_object", "rid")).toMatchObject({ code: "Unexpected", retryable: false });
  });
});
