import {
  ErrorCode,
  hostHeader,
  HttpClient,
  requestUrl,
  storageError,
  type BufferedResponse,
  type BufferedSendOptions,
  type HttpClientOptions,
  type HttpRequest,
  type PresignedRequest,
  type SendOptions,
  type StorageError,
  type StreamingResponse,
} from "@stowage/core";
import { requestPath, type QingStorAddress } from "./addressing.js";
import { QINGSTOR_TYPE } from "./config.js";
import type { QingStorCredentials } from "./credentials.js";
import { isQingStorClockSkew, qingstorErrorFromResponse } from "./errors.js";
import type { QsCall } from "./requests.js";
import { parseErrorBody, parseJson } from "./responses.js";
import { qsAuthorization, qsPresignQuery } from "./signer.js";

/** A body-less 403 whose `Date` is this far from our clock is taken for a clock-skew refusal. */
const SKEW_GUESS_MS = 60_000;

/** Transport settings of a {@link QingStorClient} (from the http pairs). */
export type QingStorTransportSettings = Pick<HttpClientOptions, "retry" | "timeoutMs" | "agent" | "random">;

/**
 * A `validate` hook for answers that must carry a JSON object: anything else
 * (a proxy's HTML page, a body cut short) is a retryable `ServiceInternal`.
 */
export function expectJson(operation: string) {
  return (response: { body: Buffer }): StorageError | undefined => {
    try {
      parseJson(response.body);
      return undefined;
    } catch {
      return storageError(ErrorCode.ServiceInternal, `${operation}: the service answered without a JSON document`, { retryable: true });
    }
  };
}

/**
 * The QingStor driver's only I/O: turns {@link QsCall}s into requests signed
 * with `Authorization: QS <ak>:<signature>` (a `Date` header, the Go SDK's
 * canonical path) for one bucket on one zone host (or the service host),
 * sends them through core's {@link HttpClient} (keep-alive, retries that
 * re-sign, clock-skew correction) and maps failures with the QingStor error table.
 */
export class QingStorClient {
  readonly http: HttpClient;

  constructor(
    readonly address: QingStorAddress,
    /** The bucket, or undefined for service calls (list buckets). */
    readonly bucket: string | undefined,
    private readonly credentials: QingStorCredentials,
    settings: QingStorTransportSettings = {},
  ) {
    this.http = new HttpClient({
      ...settings,
      service: QINGSTOR_TYPE,
      requestIdHeader: "x-qs-request-id",
      sign: (request, now) => this.sign(request, now),
      mapError: (response) => qingstorErrorFromResponse(response, parseErrorBody(response.body)),
      isClockSkew: (_error, response) => this.isClockSkew(response),
    });
  }

  /** True when requests go over https (SSE-C needs it). */
  get secure(): boolean {
    return this.address.protocol === "https";
  }

  /** The unsigned HTTP request of `call`. */
  toRequest(call: QsCall): HttpRequest {
    const path = requestPath(this.bucket, call.key);
    const request: HttpRequest = {
      method: call.method,
      protocol: this.address.protocol,
      host: this.address.host,
      path,
      query: call.query,
      headers: { ...call.headers },
      resource: path,
      operation: call.operation,
    };
    if (this.address.port !== undefined) request.port = this.address.port;
    if (call.body !== undefined) request.body = call.body;
    return request;
  }

  /**
   * Sends `call`; the response body is the caller's to read.
   * @throws StorageError mapped from the QingStor error, `ServiceInternal` (network), `Aborted`
   */
  send(call: QsCall, options: SendOptions = {}): Promise<StreamingResponse> {
    return this.http.send(this.toRequest(call), options);
  }

  /**
   * Sends `call` and reads the whole body (retried as a unit).
   * @throws StorageError mapped from the QingStor error, `ServiceInternal` (network), `Aborted`
   */
  sendBuffered(call: QsCall, options: BufferedSendOptions = {}): Promise<BufferedResponse> {
    return this.http.sendBuffered(this.toRequest(call), options);
  }

  /**
   * A presigned form of `call` (protocols.md §3.1 query form): `access_key_id`,
   * `expires` and `signature` in the query; Content-MD5, Content-Type and
   * `x-qs-*` headers of the call are signed and must be sent as given.
   */
  presign(call: QsCall, expiresIn: number): PresignedRequest {
    const request = this.toRequest(call);
    const expires = Math.floor(this.http.now().getTime() / 1000) + expiresIn;
    const signed = qsPresignQuery(
      { method: request.method, path: request.resource ?? request.path, query: request.query ?? [], headers: request.headers },
      this.credentials.accessKeyId,
      this.credentials.secretAccessKey,
      expires,
    );
    const headers = { ...request.headers, host: hostHeader(request) };
    return { method: request.method, url: requestUrl({ ...request, query: [...(request.query ?? []), ...signed] }), headers };
  }

  private sign(request: HttpRequest, now: Date): void {
    request.headers["host"] = hostHeader(request);
    request.headers["date"] = now.toUTCString();
    delete request.headers["x-qs-date"];
    request.headers["authorization"] = qsAuthorization(
      { method: request.method, path: request.resource ?? request.path, query: request.query ?? [], headers: request.headers },
      this.credentials.accessKeyId,
      this.credentials.secretAccessKey,
    );
  }

  private isClockSkew(response: BufferedResponse): boolean {
    if (response.body.length > 0) return isQingStorClockSkew(parseErrorBody(response.body));
    // HEAD errors have no body: a 403 from a server whose clock is far from ours is most likely skew.
    const server = Date.parse(response.header("date") ?? "");
    return response.status === 403 && !Number.isNaN(server) && Math.abs(server - this.http.now().getTime()) > SKEW_GUESS_MS;
  }
}
