import { definePair } from "../pairs/pair-definition.js";

/**
 * The `credential_timeout` pair (duration, ms; default 30 s, `CREDENTIAL_PROVIDER_TIMEOUT_MS`) of
 * drivers that take a `credential_provider`: how long one provider call may take before the
 * operation waiting on it fails with a retryable `PermissionDenied` (not retried by the HTTP
 * client). Drivers put it in their pair set next to `credential_provider` and pass it on as
 * `ProvidedCredentialOptions.timeoutMs`. It has no effect without a provider. Like every duration
 * pair it takes at most 2^31 − 1 ms (what a timer waits).
 */
export const credentialTimeoutPair = definePair({
  name: "credential_timeout",
  type: "duration",
  description:
    "How long one credential_provider call may take (default 30s, at most 2147483647 ms: about 24.8 days); the operation waiting on it then fails with PermissionDenied, and the next one asks the provider again. No effect without credential_provider.",
  operations: ["new"],
  validate: (value: number) => (value >= 1 ? undefined : "must be at least 1"),
});
