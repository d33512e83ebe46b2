import { CREDENTIAL_PROVIDER_TIMEOUT_MS, providedCredentialSource, type DatedCredentials, type ProvidedCredentialOptions } from "./provided-credential-source.js";
import { type CredentialShape, type CredentialSource } from "./credential-source.js";

/** The shared sources of {@link sharedCredentialSource}: per provider function, per shape and timeout. */
const SHARED = new WeakMap<object, Map<string, CredentialSource<unknown>>>();

/**
 * The {@link providedCredentialSource} of `provider` that every caller passing the same function
 * (with the same `shape.keys` and `options.timeoutMs`) shares: one cache, one renewal schedule and
 * one provider call at a time for a servicer and every storager it hands out (or any storagers
 * opened with that function), instead of one per storager. Sharing is safe: a provider takes no
 * arguments, so it hands every caller the same credentials, and `invalidate` drops only the very
 * credentials that were refused. The cache lives as long as the function does.
 * @throws StorageError as {@link providedCredentialSource} (from the source's `get`).
 */
export function sharedCredentialSource<C extends DatedCredentials>(
  provider: () => C | Promise<C>,
  shape: Pick<CredentialShape<C>, "keys">,
  options: ProvidedCredentialOptions = {},
): CredentialSource<C> {
  const key = `${shape.keys.join("/")}@${options.timeoutMs ?? CREDENTIAL_PROVIDER_TIMEOUT_MS}`;
  let sources = SHARED.get(provider);
  if (sources === undefined) SHARED.set(provider, (sources = new Map()));
  let source = sources.get(key) as CredentialSource<C> | undefined;
  if (source === undefined) {
    source = providedCredentialSource(provider, shape, Date.now, options);
    sources.set(key, source as CredentialSource<unknown>);
  }
  return source;
}
