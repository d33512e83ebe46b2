import { callSignal } from "../http/call-signal.js";
import { signingClock, type SigningClock } from "../http/signing-clock.js";
import type { CredentialSource } from "./credential-source.js";

/**
 * The credentials an HTTP client signs with, remembering which ones signed each
 * request. When the service refuses a request's credentials, {@link renew}
 * drops exactly those from the source ({@link CredentialSource.invalidate}), so
 * the next signature asks the provider again; drivers call it from the
 * `renewCredentials` hook of `HttpClient`.
 */
export class SigningCredentials<C> {
  private readonly used = new WeakMap<object, C>();
  /** The HTTP client's clock as recorded for the last request signed (see {@link SigningCredentials.get}). */
  private lastClock: SigningClock | undefined;

  /** @throws nothing */
  constructor(private readonly source: CredentialSource<C>) {}

  /**
   * The current credentials, not tied to a request (presigning): credentials due for renewal are
   * renewed first, so a presigned URL does not carry a token about to expire (a failed renewal
   * still gives the cached ones while they are valid). `signal` (the presigning call's) ends the
   * wait on a provider, which then no longer counts it as waiting. `validUntil` (Unix ms, the URL's
   * expiry): dated credentials expiring sooner are renewed, and refused when the renewed ones do too.
   * Expiry is judged by the HTTP client's clock as it was when the last request was signed (its
   * offset from the service's `Date`), the local clock before any.
   * @throws StorageError `PermissionDenied` when a provider fails; `Aborted` when `signal` aborts meanwhile;
   *   `InvalidArgument` when the credentials expire before `validUntil` even after a renewal.
   */
  get(signal?: AbortSignal, validUntil?: number): Promise<C> {
    const clock = this.lastClock;
    return this.source.get({
      fresh: true,
      ...(signal === undefined ? {} : { signal }),
      ...(validUntil === undefined ? {} : { validUntil }),
      ...(clock === undefined ? {} : { clock }),
    });
  }

  /**
   * The credentials to sign `request` with, remembered for it. The signal of the call `request`
   * belongs to (recorded by `HttpClient`, call-signal.ts) goes with the wait on a provider: once it
   * aborts, this call stops waiting and no longer keeps the provider call's timeout timer referenced.
   * The clock `HttpClient` recorded for `request` (`signingClock`: its offset from the service's
   * `Date`, and whether an answer confirmed it) goes with it too: the source judges expiry by it.
   * @throws StorageError `PermissionDenied` when a provider fails; `Aborted` when the call's signal aborts meanwhile.
   */
  async for(request: object): Promise<C> {
    const signal = callSignal(request);
    const clock = signingClock(request);
    if (clock !== undefined) this.lastClock = clock;
    const options = signal === undefined && clock === undefined ? undefined : { ...(signal === undefined ? {} : { signal }), ...(clock === undefined ? {} : { clock }) };
    const creds = await this.source.get(options);
    this.used.set(request, creds);
    return creds;
  }

  /**
   * True when `request` was signed by credentials the source no longer hands out (another request's
   * refusal dropped them, a renewal replaced them): a request signed now would carry others. False
   * for fixed credentials and unknown requests.
   * @throws nothing.
   */
  superseded(request: object): boolean {
    const creds = this.used.get(request);
    return creds !== undefined && this.source.holds !== undefined && !this.source.holds(creds);
  }

  /**
   * True, after dropping them, when `request` was signed by credentials that can
   * be renewed and `refused()` says the service rejected them; `refused` is asked
   * only then. False for fixed credentials and unknown requests.
   * @throws whatever `refused` throws (and what the source's `invalidate`, which should not, throws).
   */
  async renew(request: object, refused: () => boolean | Promise<boolean>): Promise<boolean> {
    const creds = this.used.get(request);
    if (creds === undefined || this.source.invalidate === undefined) return false;
    if (!(await refused())) return false;
    this.source.invalidate(creds);
    return true;
  }
}
