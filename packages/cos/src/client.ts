import {
  ErrorCode,
  hostHeader,
  HttpClient,
  ownEntry,
  requestUrl,
  SigningCredentials,
  type BufferedResponse,
  type BufferedSendOptions,
  type HttpClientOptions,
  type HttpRequest,
  presignedMethod,
  type PresignedRequest,
  type SendOptions,
  type StreamingResponse,
} from "@stowage/core";
import { objectPath, type BucketAddress } from "./addressing.js";
import { COS_TYPE, type CosCredentials } from "./config.js";
import { isCosCredentialRejection, type CredentialSource } from "./credentials.js";
import { COS_ERROR_CODES, cosErrorFromResponse, isCosClockSkew } from "./errors.js";
import type { CosCall } from "./requests.js";
import { cosHeadProbe, namedHeadRefusal } from "./head-refusal.js";
import { parseErrorBody } from "./responses.js";
import { cosAuthorization, cosPresignQuery, signWindow } from "./signer.js";

/** Seconds a request signature stays valid (the SDKs' default). */
export const SIGNATURE_SECONDS = 900;
/** The query of a request that has none (signed as such). */
const NO_QUERY: readonly [] = [];
/** A body-less 403 whose `Date` is this far from our clock is taken for a clock-skew refusal. */
const SKEW_GUESS_MS = 60_000;

/** Transport settings of a {@link CosClient} (from the http pairs). */
export type CosTransportSettings = Pick<HttpClientOptions, "retry" | "timeoutMs" | "agent" | "random">;

/**
 * The COS driver's only I/O: turns {@link CosCall}s into signed HTTP requests
 * for one address (a bucket, or the service endpoint), sends them through
 * core's {@link HttpClient} (keep-alive, retries that re-sign, clock-skew
 * correction, one re-send with fresh credentials when a provider's are refused)
 * and maps failures with the COS error table.
 */
export class CosClient {
  readonly http: HttpClient;
  /** The credentials to sign with, and which signed each attempt's request. */
  private readonly credentials: SigningCredentials<CosCredentials>;

  /** @throws nothing */
  constructor(
    readonly address: BucketAddress,
    credentials: CredentialSource,
    settings: CosTransportSettings = {},
  ) {
    this.credentials = new SigningCredentials(credentials);
    this.http = new HttpClient({
      ...settings,
      service: COS_TYPE,
      requestIdHeader: "x-cos-request-id",
      sign: (request, now) => this.sign(request, now),
      mapError: async (response) => cosErrorFromResponse(response, await parseErrorBody(response.body)),
      isClockSkew: (_error, response) => this.isClockSkew(response),
      // Only COS's own document says the request was refused unapplied (SlowDown); a proxy's 503 page does not.
      saysThrottled: async (response) => ownEntry(COS_ERROR_CODES, (await parseErrorBody(response.body))?.code) === ErrorCode.RequestThrottled,
      renewCredentials: (_error, request, response, signal) => this.renewCredentials(request, response, signal),
    });
  }

  /** True when requests go over https (SSE-C needs it). */
  get secure(): boolean {
    return this.address.protocol === "https";
  }

  /** The unsigned HTTP request of `call`. @throws StorageError `InvalidArgument` for a key with a lone surrogate (core `encodeKeyPath`) */
  toRequest(call: CosCall): HttpRequest {
    const { path, resource } = objectPath(this.address, call.key);
    const request: HttpRequest = {
      method: call.method,
      protocol: this.address.protocol,
      host: this.address.host,
      path,
      query: call.query,
      headers: { ...call.headers },
      resource,
      operation: call.operation,
    };
    if (this.address.port !== undefined) request.port = this.address.port;
    if (call.body !== undefined) request.body = call.body;
    return request;
  }

  /**
   * Sends `call`; the response body is the caller's to read.
   * @throws StorageError mapped from the COS error, `ServiceInternal` (network), `Aborted`
   */
  send(call: CosCall, options: SendOptions = {}): Promise<StreamingResponse> {
    const request = this.toRequest(call);
    const sent = this.http.send(request, options);
    return call.method === "HEAD" ? sent.catch(async (e: unknown) => Promise.reject(await namedHeadRefusal(this.http, request, e, options.signal))) : sent;
  }

  /**
   * Sends `call` and reads the whole body (retried as a unit).
   * @throws StorageError mapped from the COS error, `ServiceInternal` (network), `Aborted`
   */
  sendBuffered(call: CosCall, options: BufferedSendOptions = {}): Promise<BufferedResponse> {
    const request = this.toRequest(call);
    const sent = this.http.sendBuffered(request, options);
    return call.method === "HEAD" ? sent.catch(async (e: unknown) => Promise.reject(await namedHeadRefusal(this.http, request, e, options.signal))) : sent;
  }

  /**
   * A presigned form of `call`: the `q-*` signature (and security token) in the
   * query, `host` plus the call's headers signed; those headers must be sent as given.
   * `signal` ends the wait on a credential provider. Provider credentials that expire within `expires`
   * are renewed first; when the renewed ones do too, the presign is refused (never silently shortened).
   * @throws StorageError `PermissionDenied` when a credential provider fails; `Aborted` when `signal` aborts meanwhile;
   *   `InvalidArgument` when the provider's credentials expire before the URL would
   */
  async presign(call: CosCall, expires: number, signal?: AbortSignal): Promise<PresignedRequest> {
    const request = this.toRequest(call);
    const now = this.http.now();
    const creds = await this.credentials.get(signal, now.getTime() + expires * 1000);
    const headers = { ...request.headers, host: hostHeader(request) };
    const signed = cosPresignQuery(
      { method: request.method, pathname: request.resource ?? "/", query: request.query ?? [], headers },
      { secretId: creds.secretId, secretKey: creds.secretKey, ...signWindow(now, expires) },
    );
    const query = [...(request.query ?? []), ...signed, ...(creds.securityToken ? [["x-cos-security-token", creds.securityToken] as const] : [])];
    return { method: presignedMethod(call.method), url: requestUrl({ ...request, query }), headers };
  }

  private async sign(request: HttpRequest, now: Date): Promise<void> {
    const creds = await this.credentials.for(request);
    const headers = request.headers;
    headers["host"] = hostHeader(request);
    if (creds.securityToken) headers["x-cos-security-token"] = creds.securityToken;
    // Deleted only where present: most requests carry none, and a delete is a call into the runtime even then.
    else if ("x-cos-security-token" in headers) delete headers["x-cos-security-token"];
    const window = signWindow(now, SIGNATURE_SECONDS);
    headers["authorization"] = cosAuthorization(
      { method: request.method, pathname: request.resource ?? "/", query: request.query ?? NO_QUERY, headers },
      { secretId: creds.secretId, secretKey: creds.secretKey, start: window.start, end: window.end },
    );
  }

  /**
   * Drops refused provider credentials (see {@link isCosCredentialRejection}); true when the request is
   * worth re-sending. A HEAD's refusal has no body to name its code, so a 403 HEAD is asked again as a
   * one-byte GET (see {@link CosClient.refusedCredentialsOf}); only with a provider's credentials.
   */
  private renewCredentials(request: HttpRequest, response: BufferedResponse, signal: AbortSignal | undefined): Promise<boolean> {
    return this.credentials.renew(request, async () => {
      if (response.body.length > 0 || request.method !== "HEAD") return isCosCredentialRejection(await parseErrorBody(response.body));
      return response.status === 403 && (await this.refusedCredentialsOf(request, signal));
    });
  }

  /**
   * Whether refused HEAD `head` was refused for its credentials ({@link cosHeadProbe}: a GET of
   * its first byte names the code; signed with the same, not yet dropped, credentials). When another
   * request has already dropped the HEAD's credentials (a renewal after a rotation), the probe would
   * be signed with the new ones: true then, so the HEAD is re-sent with them. False on anything
   * else, a network failure included. It carries the call's `signal`.
   * @throws nothing.
   */
  private async refusedCredentialsOf(head: HttpRequest, signal: AbortSignal | undefined): Promise<boolean> {
    // The credentials that signed the HEAD are gone already (another request's refusal renewed
    // them): the probe would be signed with the new ones and answer for those. Sent again instead.
    if (this.credentials.superseded(head)) return true;
    const answer = await cosHeadProbe(this.http, head, signal);
    if (answer === undefined) return false;
    // Renewed while the probe waited (then signed with the new credentials): the HEAD's were refused, re-sent.
    if (answer.status !== 403) return this.credentials.superseded(head);
    return isCosCredentialRejection(answer.error);
  }

  private async isClockSkew(response: BufferedResponse): Promise<boolean> {
    if (response.body.length > 0) return isCosClockSkew(await parseErrorBody(response.body), response.status);
    // HEAD errors have no body: a 403 from a server whose clock is far from ours is most likely skew.
    const server = Date.parse(response.header("date") ?? "");
    return response.status === 403 && !Number.isNaN(server) && Math.abs(server - this.http.now().getTime()) > SKEW_GUESS_MS;
  }
}
