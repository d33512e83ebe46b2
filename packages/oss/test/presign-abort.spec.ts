import { describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager } from "@stowage/core";
import "../src/index.js";

describe("oss: presign waiting on a credential provider", () => {
  it("ends with Aborted when the caller's signal aborts, not after credential_timeout", async () => {
    const store = newStorager({
      type: "oss",
      name: "presign-bucket",
      location: "oss-cn-hangzhou",
      credentialProvider: () => new Promise<never>(() => undefined),
      credentialTimeout: 600_000,
    });
    const controller = new AbortController();
    const presigned = store.presign("read", "k", { expires: 60, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await presigned.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStorageError(error) && error.code).toBe("Aborted");
    // Bounded by the test's own timeout, far below credential_timeout: a presign that kept waiting fails here.
  }, 10_000);
});
