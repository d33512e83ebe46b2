/**
 * A credential provider's transient failure keeps its verdict: a provider that throws a network
 * error (ECONNRESET...) or a retryable StorageError (its STS answered 503) fails the call with a
 * retryable `PermissionDenied`, so a retry layer tries again (the next call asks the provider
 * again); a provider that throws anything else stays non-retryable.
 */
import { describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { SHAPE, type Keys } from "./provider-keys.js";

function throwing(thrown: unknown): () => Promise<Keys> {
  return () => Promise.reject(thrown);
}

describe("a credential provider's failure", () => {
  it.each([
    ["ECONNRESET", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["EAI_AGAIN", Object.assign(new Error("getaddrinfo EAI_AGAIN sts.example.com"), { code: "EAI_AGAIN" })],
    ["a retryable StorageError", storageError(ErrorCode.ServiceInternal, "STS answered 503", { statusCode: 503 })],
    ["a retryable PermissionDenied of its own", storageError(ErrorCode.PermissionDenied, "STS busy", { retryable: true })],
  ])("is a retryable PermissionDenied when the provider threw %s", async (_label, thrown) => {
    const source = providedCredentialSource<Keys>(throwing(thrown), SHAPE);
    await expect(source.get()).rejects.toMatchObject({ code: "PermissionDenied", retryable: true });
  });

  it.each([
    ["a plain Error", new Error("no such role")],
    ["a non-retryable StorageError", storageError(ErrorCode.PermissionDenied, "STS refused the role")],
    ["a TLS failure", Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" })],
    ["an error with a code that is no network failure", Object.assign(new Error("nope"), { code: "ENOENT" })],
    ["a string", "down"],
  ])("is a non-retryable PermissionDenied when the provider threw %s", async (_label, thrown) => {
    const source = providedCredentialSource<Keys>(throwing(thrown), SHAPE);
    await expect(source.get()).rejects.toMatchObject({ code: "PermissionDenied", retryable: false });
  });

  it("the next call asks the provider again, and succeeds once it answers", async () => {
    let calls = 0;
    const source = providedCredentialSource<Keys>(() => {
      calls++;
      if (calls === 1) return Promise.reject(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
      return Promise.resolve({ id: "i", secret: "s" });
    }, SHAPE);
    await expect(source.get()).rejects.toMatchObject({ retryable: true });
    await expect(source.get()).resolves.toMatchObject({ id: "i" });
    expect(calls).toBe(2);
  });
});
