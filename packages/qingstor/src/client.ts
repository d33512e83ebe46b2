import {
  ErrorCode,
  hostHeader,
  HttpClient,
  ownEntry,
  raceAbort,
  requestUrl,
  storageError,
  type BufferedResponse,
  type BufferedSendOptions,
  type HttpClientOptions,
  type HttpRequest,
  presignedMethod,
  type PresignedRequest,
  type SendOptions,
  type StorageError,
  type StreamingResponse,
} from "@stowage/core";
import { inZone, requestPath, type QingStorAddress } from "./addressing.js";
import { QINGSTOR_TYPE } from "./config.js";
import type { QingStorCredentials } from "./credentials.js";
import { isQingStorClockSkew, QINGSTOR_ERROR_CODES, qingstorErrorFromResponse } from "./errors.js";
import { checkPresignQuery } from "./presign-checks.js";
import type { QsCall } from "./requests.js";
import { namedHeadRefusal } from "./head-refusal.js";
import { parseErrorBody, parseJson } from "./responses.js";
import { qsAuthorization, qsPresignQuery } from "./signer.js";
import { detectZone } from "./zone-detection.js";

/** A body-less 403 whose `Date` is this far from our clock is taken for a clock-skew refusal. */
const SKEW_GUESS_MS = 60_000;

/** Transport settings of a {@link QingStorClient} (from the http pairs). */
export type QingStorTransportSettings = Pick<HttpClientOptions, "retry" | "timeoutMs" | "agent" | "random">;

/**
 * A `validate` hook for answers that must carry a JSON object: anything else (a proxy's HTML page,
 * a body cut short) is a retryable `Unexpected`, as COS and OSS class an answer that is not
 * well-formed XML (the client then adds its status and request id, and retries it within the policy).
 * @throws nothing, nor does the hook it returns (a body that is no JSON object: it returns the `Unexpected`)
 */
export function expectJson(operation: string) {
  return (response: { body: Buffer }): StorageError | undefined => {
    try {
      parseJson(response.body);
      return undefined;
    } catch {
      return storageError(ErrorCode.Unexpected, `${operation}: the service sent a response that is not a JSON document`, { retryable: true });
    }
  };
}

/**
 * The QingStor driver's only I/O: turns {@link QsCall}s into requests signed
 * with `Authorization: QS <ak>:<signature>` (a `Date` header, the Go SDK's
 * canonical path) for one bucket on one zone host (or the service host),
 * sends them through core's {@link HttpClient} (keep-alive, retries that
 * re-sign, clock-skew correction) and maps failures with the QingStor error table.
 *
 * Made with `detectZone`, it first asks the zone-less host which zone holds
 * the bucket (zone-detection.ts; once, shared by concurrent calls, asked again
 * after a failure) and sends everything to that zone's host from then on.
 */
export class QingStorClient {
  readonly http: HttpClient;
  private current: QingStorAddress;
  private zonePending: boolean;
  private detection: Promise<void> | undefined;
  private detected: string | undefined;

  /** @throws nothing */
  constructor(
    address: QingStorAddress,
    /** The bucket, or undefined for service calls (list buckets). */
    readonly bucket: string | undefined,
    private readonly credentials: QingStorCredentials,
    private readonly settings: QingStorTransportSettings = {},
    detectZone = false,
  ) {
    this.current = address;
    this.zonePending = detectZone && bucket !== undefined;
    this.http = new HttpClient({
      ...settings,
      service: QINGSTOR_TYPE,
      requestIdHeader: "x-qs-request-id",
      sign: (request, now) => this.sign(request, now),
      mapError: (response) => qingstorErrorFromResponse(response, parseErrorBody(response.body)),
      isClockSkew: (_error, response) => this.isClockSkew(response),
      // Only QingStor's own document says the request was refused unapplied; a proxy's 503 page does not.
      saysThrottled: (response) => ownEntry(QINGSTOR_ERROR_CODES, parseErrorBody(response.body)?.code) === ErrorCode.RequestThrottled,
    });
  }

  /** Where requests go now (the zone host once a detected zone is known). */
  get address(): QingStorAddress {
    return this.current;
  }

  /** The zone detection found, if it ran and found one. */
  get zone(): string | undefined {
    return this.detected;
  }

  /** True when requests go over https (SSE-C needs it). Detection never changes the protocol. */
  get secure(): boolean {
    return this.current.protocol === "https";
  }

  /**
   * Settles once the bucket's host is known: `undefined` (nothing to wait for)
   * without detection or once it succeeded; else the detection, started by the
   * first call and shared by the calls meanwhile (after a failure, the next call
   * asks again).
   * @throws StorageError `ServiceInternal` (the service could not be asked), `Aborted`
   */
  ready(signal?: AbortSignal): Promise<void> | undefined {
    if (!this.zonePending) return undefined;
    this.detection ??= this.detect(this.bucket!);
    return raceAbort(this.detection, signal);
  }

  private detect(bucket: string): Promise<void> {
    const anonymous = new HttpClient({ ...this.settings, service: QINGSTOR_TYPE, requestIdHeader: "x-qs-request-id" });
    return detectZone(anonymous, this.current, bucket).then(
      (zone) => {
        if (zone !== undefined) this.current = inZone(this.current, zone);
        this.detected = zone;
        this.zonePending = false;
        this.detection = undefined;
      },
      (e: unknown) => {
        this.detection = undefined;
        throw e;
      },
    );
  }

  /**
   * The unsigned HTTP request of `call`.
   * @throws StorageError `InvalidArgument` for a bucket or key with a lone surrogate (`encodeQingStorKey`)
   */
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
    const wait = this.ready(options.signal);
    if (wait === undefined) return this.named(call, options.signal, (request) => this.http.send(request, options));
    return wait.then(() => this.named(call, options.signal, (request) => this.http.send(request, options)));
  }

  /**
   * Sends `call` and reads the whole body (retried as a unit).
   * @throws StorageError mapped from the QingStor error, `ServiceInternal` (network), `Aborted`
   */
  sendBuffered(call: QsCall, options: BufferedSendOptions = {}): Promise<BufferedResponse> {
    const wait = this.ready(options.signal);
    if (wait === undefined) return this.named(call, options.signal, (request) => this.http.sendBuffered(request, options));
    return wait.then(() => this.named(call, options.signal, (request) => this.http.sendBuffered(request, options)));
  }

  /** `send(call's request)`; a HEAD's refusal named by a GET where it is the access key's (head-refusal.ts). */
  private named<T>(call: QsCall, signal: AbortSignal | undefined, send: (request: HttpRequest) => Promise<T>): Promise<T> {
    const request = this.toRequest(call);
    const sent = send(request);
    return call.method === "HEAD" ? sent.catch(async (e: unknown) => Promise.reject(await namedHeadRefusal(this.http, request, e, signal))) : sent;
  }

  /**
   * A presigned form of `call` (`protocols.md` §3.1 query form): `access_key_id`,
   * `expires` and `signature` in the query; Content-MD5, Content-Type and
   * `x-qs-*` headers of the call are signed and must be sent as given. Waits for
   * the zone detection when it is still to run; `signal` ends that wait (the detection
   * itself goes on for the other calls sharing it). An `&` in a signed parameter value is refused
   * first (see `checkPresignQuery`): QingStor signs those values unescaped.
   * @throws StorageError `InvalidArgument` (an `&` in a signed parameter value), `ServiceInternal` (zone detection
   *   could not reach the service), `Aborted`
   */
  async presign(call: QsCall, expiresIn: number, signal?: AbortSignal): Promise<PresignedRequest> {
    checkPresignQuery(call.query);
    await this.ready(signal);
    const request = this.toRequest(call);
    const expires = Math.floor(this.http.now().getTime() / 1000) + expiresIn;
    const signed = qsPresignQuery(
      { method: request.method, path: request.resource ?? request.path, query: request.query ?? [], headers: request.headers },
      this.credentials.accessKeyId,
      this.credentials.secretAccessKey,
      expires,
    );
    const headers = { ...request.headers, host: hostHeader(request) };
    return { method: presignedMethod(call.method), url: requestUrl({ ...request, query: [...(request.query ?? []), ...signed] }), headers };
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
