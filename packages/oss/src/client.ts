import {
  ErrorCode,
  hostHeader,
  HttpClient,
  OBJECT_HEADERS,
  ownEntry,
  requestUrl,
  SigningCredentials,
  storageError,
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
import { OSS_TYPE, type OssCredentials } from "./config.js";
import { isOssCredentialRejection, type CredentialSource } from "./credentials.js";
import { isOssClockSkew, OSS_ERROR_CODES, ossErrorFromResponse } from "./errors.js";
import { checkV1Presign } from "./presign-checks.js";
import type { OssCall } from "./requests.js";
import { errorDocument } from "./responses.js";
import { isoBasic, ossV1Authorization, ossV1PresignQuery, ossV4Authorization, ossV4PresignQuery, UNSIGNED_PAYLOAD, type OssSignInput } from "./signer.js";

/**
 * Headers a V4 presigned URL signs as additional headers when its request carries them: the object
 * headers (Cache-Control, Content-Disposition, Content-Encoding, Expires) of a presigned PUT or
 * InitiateMultipartUpload, so that a client sending other values is refused. V1 cannot sign them.
 */
export const PRESIGN_ADDITIONAL_HEADERS: readonly string[] = Object.freeze(OBJECT_HEADERS.map(([, name]) => name));

/** A body-less 403 whose `Date` is this far from our clock is taken for a clock-skew refusal. */
const SKEW_GUESS_MS = 60_000;

/** Transport settings of an {@link OssClient} (from the http pairs). */
export type OssTransportSettings = Pick<HttpClientOptions, "retry" | "timeoutMs" | "agent" | "random">;

/** How requests are signed: V1 (HMAC-SHA1) or V4 (OSS4-HMAC-SHA256, scoped to a region). */
export interface OssSigning {
  version: "v1" | "v4";
  /** Region id without `oss-`; required for V4. */
  region?: string | undefined;
}

/**
 * The OSS driver's only I/O: turns {@link OssCall}s into signed HTTP requests
 * for one address (a bucket, or the service endpoint), sends them through
 * core's {@link HttpClient} (keep-alive, retries that re-sign, clock-skew
 * correction, one re-send with fresh credentials when a provider's are refused)
 * and maps failures with the OSS error table.
 */
export class OssClient {
  readonly http: HttpClient;
  /** The credentials to sign with, and which signed each attempt's request. */
  private readonly credentials: SigningCredentials<OssCredentials>;

  /**
   * @throws StorageError `PairRequired` for V4 signing without a region
   */
  constructor(
    readonly address: BucketAddress,
    /** The bucket every call addresses; undefined for service calls (ListBuckets). */
    readonly bucket: string | undefined,
    credentials: CredentialSource,
    readonly signing: OssSigning = { version: "v1" },
    settings: OssTransportSettings = {},
  ) {
    this.credentials = new SigningCredentials(credentials);
    if (signing.version === "v4" && !signing.region) {
      throw storageError(ErrorCode.PairRequired, 'OSS V4 signatures need the region: pair "location" (e.g. cn-hangzhou), or an oss-<region>.aliyuncs.com endpoint');
    }
    this.http = new HttpClient({
      ...settings,
      service: OSS_TYPE,
      requestIdHeader: "x-oss-request-id",
      sign: (request, now) => this.sign(request, now),
      mapError: async (response) => ossErrorFromResponse(response, await errorDocument(response.body, response.headers)),
      isClockSkew: (_error, response) => this.isClockSkew(response),
      // Only OSS's own document says the request was refused unapplied (SlowDown); a proxy's 503 page does not.
      saysThrottled: async (response) => ownEntry(OSS_ERROR_CODES, (await errorDocument(response.body, response.headers))?.code) === ErrorCode.RequestThrottled,
      renewCredentials: (_error, request, response) => this.renewCredentials(request, response),
    });
  }

  /** The unsigned HTTP request of `call`. @throws StorageError `InvalidArgument` for a key with a lone surrogate (core `encodeKeyPath`) */
  toRequest(call: OssCall): HttpRequest {
    const { path, resource } = objectPath(this.address, this.bucket, call.key);
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
   * @throws StorageError mapped from the OSS error, `ServiceInternal` (network), `Aborted`
   */
  send(call: OssCall, options: SendOptions = {}): Promise<StreamingResponse> {
    return this.http.send(this.toRequest(call), options);
  }

  /**
   * Sends `call` and reads the whole body (retried as a unit).
   * @throws StorageError mapped from the OSS error, `ServiceInternal` (network), `Aborted`
   */
  sendBuffered(call: OssCall, options: BufferedSendOptions = {}): Promise<BufferedResponse> {
    return this.http.sendBuffered(this.toRequest(call), options);
  }

  /**
   * A presigned form of `call`, valid for `expires` seconds: V1 (`OSSAccessKeyId`,
   * `Expires`, `Signature`, `security-token`) or V4 (`x-oss-*` query parameters).
   * The call's headers are signed where OSS signs them and must be sent as given: V1 signs
   * Content-Type, Content-MD5 and `x-oss-*`; V4 those and, as additional headers, the
   * `PRESIGN_ADDITIONAL_HEADERS` the call carries (a V1 URL does not bind those).
   * `signal` ends the wait on a credential provider. Provider credentials that expire within `expires`
   * are renewed first; when the renewed ones do too, the presign is refused (never silently shortened).
   * A V1 URL is refused, before any credential is asked for, for a key with `?` or a signed
   * parameter value with `&` (see `checkV1Presign`): V1 signs both unescaped.
   * @throws StorageError `PermissionDenied` when a credential provider fails; `Aborted` when `signal` aborts meanwhile;
   *   `InvalidArgument` when the provider's credentials expire before the URL would, and (V1) for a key with `?`
   *   or an `&` in a signed parameter value
   */
  async presign(call: OssCall, expires: number, signal?: AbortSignal): Promise<PresignedRequest> {
    const request = this.toRequest(call);
    if (this.signing.version !== "v4") checkV1Presign(request.resource ?? "/", request.query ?? []);
    const now = this.http.now();
    const creds = await this.credentials.get(signal, now.getTime() + expires * 1000);
    const key = { accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret };
    let query = [...(request.query ?? [])];
    if (this.signing.version === "v4") {
      const input: OssSignInput = { method: request.method, resource: request.resource ?? "/", query, headers: request.headers };
      const ctx = {
        region: this.signing.region!,
        date: now,
        expires,
        additionalHeaders: PRESIGN_ADDITIONAL_HEADERS,
        ...(creds.securityToken ? { securityToken: creds.securityToken } : {}),
      };
      query = [...query, ...ossV4PresignQuery(input, key, ctx)];
    } else {
      if (creds.securityToken) query.push(["security-token", creds.securityToken]);
      const input: OssSignInput = { method: request.method, resource: request.resource ?? "/", query, headers: request.headers };
      query = [...query, ...ossV1PresignQuery(input, key, Math.floor(now.getTime() / 1000) + expires)];
    }
    return { method: presignedMethod(call.method), url: requestUrl({ ...request, query }), headers: { ...request.headers } };
  }

  private async sign(request: HttpRequest, now: Date): Promise<void> {
    const creds = await this.credentials.for(request);
    const key = { accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret };
    const h = request.headers;
    h["host"] = hostHeader(request);
    if (creds.securityToken) h["x-oss-security-token"] = creds.securityToken;
    else delete h["x-oss-security-token"];
    const input: OssSignInput = { method: request.method, resource: request.resource ?? "/", query: request.query ?? [], headers: h };
    if (this.signing.version === "v4") {
      h["x-oss-date"] = isoBasic(now);
      h["x-oss-content-sha256"] = UNSIGNED_PAYLOAD;
      h["authorization"] = ossV4Authorization(input, key, { region: this.signing.region!, date: now });
    } else {
      const date = now.toUTCString();
      h["x-oss-date"] = date;
      h["authorization"] = ossV1Authorization(input, key, date);
    }
  }

  /** Drops refused provider credentials (see {@link isOssCredentialRejection}); true when the request is worth re-sending. */
  private renewCredentials(request: HttpRequest, response: BufferedResponse): Promise<boolean> {
    return this.credentials.renew(request, async () => isOssCredentialRejection(await errorDocument(response.body, response.headers)));
  }

  private async isClockSkew(response: BufferedResponse): Promise<boolean> {
    const doc = await errorDocument(response.body, response.headers);
    if (doc?.code !== undefined) return isOssClockSkew(doc);
    // A HEAD refusal without x-oss-err: a 403 from a server whose clock is far from ours is most likely skew.
    const server = Date.parse(response.header("date") ?? "");
    return response.status === 403 && !Number.isNaN(server) && Math.abs(server - this.http.now().getTime()) > SKEW_GUESS_MS;
  }
}
