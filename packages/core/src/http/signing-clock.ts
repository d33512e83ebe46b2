/**
 * What an HTTP client knows of the service's clock when it signs a request: credential sources
 * judge a provider's expirations (which are in the service's time) by it, not by the local clock.
 */
export interface SigningClock {
  /**
   * Milliseconds added to the local clock (`Date.now`): the offset the client learned from the
   * service's `Date` after a refused request time (0 until then).
   */
  readonly offsetMs: number;
  /**
   * True once an answer of the service confirmed that clock: its `Date` agreed with it (within
   * 1.5 s), or the offset was just learned from it. False before the first answer, and while the
   * answers' `Date` disagrees without the service refusing the request time (a clock off by less
   * than the service's allowed skew).
   */
  readonly checked: boolean;
}

/** The clock of each attempt's request copy (see {@link setSigningClock}). */
const CLOCKS = new WeakMap<object, SigningClock>();

/**
 * Records `clock` as what the HTTP client knew of the service's clock when it signed `request` (one
 * attempt's copy), so a sign hook that only gets the request can hand it on: `SigningCredentials.for`
 * passes it to the credential source. Weakly held: gone with the request.
 * @throws nothing.
 */
export function setSigningClock(request: object, clock: SigningClock): void {
  CLOCKS.set(request, clock);
}

/**
 * The clock recorded for `request` by {@link setSigningClock}, if any.
 * @throws nothing.
 */
export function signingClock(request: object): SigningClock | undefined {
  return CLOCKS.get(request);
}
