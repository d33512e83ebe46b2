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

  constructor(private readonly source: CredentialSource<C>) {}

  /**
   * The current credentials, not tied to a request (presigning): credentials due for renewal are
   * renewed first, so a presigned URL does not carry a token about to expire (a failed renewal
   * still gives the cached ones while they are valid).
   * @throws StorageError `PermissionDenied` when a provider fails.
   */
  get(): Promise<C> {
    return this.source.get({ fresh: true });
  }

  /**
   * The credentials to sign `request` with, remembered for it.
   * @throws StorageError `PermissionDenied` when a provider fails.
   */
  async for(request: object): Promise<C> {
    const creds = await this.source.get();
    this.used.set(request, creds);
    return creds;
  }

  /**
   * True, after dropping them, when `request` was signed by credentials that can
   * be renewed and `refused()` says the service rejected them; `refused` is asked
   * only then. False for fixed credentials and unknown requests.
   * @throws whatever `refused` throws.
   */
  async renew(request: object, refused: () => boolean | Promise<boolean>): Promise<boolean> {
    const creds = this.used.get(request);
    if (creds === undefined || this.source.invalidate === undefined) return false;
    if (!(await refused())) return false;
    this.source.invalidate(creds);
    return true;
  }
}
