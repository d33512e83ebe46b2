import { describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager } from "@stowage/core";

/** The storager of {@link runPresignAbortSuite}: a bucket of the provider, opened with no credential but a provider that never answers. */
export interface PresignAbortOptions {
  /** The connection-string type ("cos"), also the first word of the describe name; its driver must be imported. */
  type: string;
  /** A bucket name the driver accepts. */
  name: string;
  /** A location the driver accepts. */
  location: string;
}

/**
 * Registers, as a jest `describe` named `<type>: presign waiting on a credential provider`, the
 * case of a presign waiting on a credential provider that never answers (credential_timeout
 * 10 min): the caller's signal, aborted 20 ms later, ends it with Aborted. Nothing is sent.
 * @throws nothing itself; the registered case fails when presign settles otherwise or not within its 10 s jest timeout.
 */
export function runPresignAbortSuite(o: PresignAbortOptions): void {
  describe(`${o.type}: presign waiting on a credential provider`, () => {
    it("ends with Aborted when the caller's signal aborts, not after credential_timeout", async () => {
      const store = newStorager({
        type: o.type,
        name: o.name,
        location: o.location,
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
}
