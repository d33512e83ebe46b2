/** The signal of the call each attempt's request copy belongs to (see {@link setCallSignal}). */
const SIGNALS = new WeakMap<object, AbortSignal>();

/**
 * Records `signal` as that of the call `request` (one attempt's copy) is sent for, so a sign hook
 * that only gets the request can hand it on: `SigningCredentials.for` passes it to the credential
 * source, where a caller that aborted stops counting as waiting on a provider call. Nothing is
 * recorded for a call without a signal. Weakly held: gone with the request.
 * @throws nothing.
 */
export function setCallSignal(request: object, signal: AbortSignal | undefined): void {
  if (signal !== undefined) SIGNALS.set(request, signal);
}

/**
 * The signal recorded for `request` by {@link setCallSignal}, if any.
 * @throws nothing.
 */
export function callSignal(request: object): AbortSignal | undefined {
  return SIGNALS.get(request);
}
