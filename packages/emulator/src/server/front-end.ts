import type { OperationName, Provider, Route } from "../common/operations.js";
import type { ProtocolError } from "../common/protocol-error.js";
import type { FaultPlan } from "../faults/fault-engine.js";
import type { MultipartStore } from "../store/multipart-store.js";
import type { ObjectStore } from "../store/object-store.js";
import type { ReceivedBody } from "../store/types.js";
import type { EmulatorResponse, Exchange } from "./exchange.js";

/** One accepted access key. */
export interface CredentialEntry {
  accessKey: string;
  secretKey: string;
  /** When set, requests must carry this security token. */
  securityToken?: string;
}

/** Settings the front-ends read. */
export interface FrontEndConfig {
  provider: Provider;
  /** Region (COS, OSS without `oss-`) or zone (QingStor) reported to clients. */
  region: string;
  credentials: ReadonlyMap<string, CredentialEntry>;
  discard: boolean;
  /** Maximum allowed skew between a request's date and the server clock. */
  maxSkewMs: number;
  /** Accept SSE-C headers on plain-http requests (the real services refuse them). */
  allowSseCOverHttp: boolean;
  /**
   * COS: GET and HEAD of an appendable object carry `x-cos-hash-crc64ecma` (COS documents a CRC on
   * reads "if the object has one" and none on APPEND answers: whether an appendable object has one
   * is not documented).
   */
  cosAppendableCrc64: boolean;
  /** COS and OSS: milliseconds (of the emulator's clock) from an accepted restore until the object reads. */
  restoreDelayMs: number;
}

/** What a handler gets besides the request. */
export interface HandlerContext {
  readonly store: ObjectStore;
  readonly multipart: MultipartStore;
  readonly config: FrontEndConfig;
  readonly plan: FaultPlan;
  /** The (possibly skewed) server clock for this request, ms. */
  readonly now: number;
  /**
   * Reads the request body, checks `Content-MD5`, applies a `flip-byte` fault
   * to what gets stored.
   * @throws ProtocolError `BadDigest`, `EntityTooLarge`
   */
  readBody(ex: Exchange, opts?: { store?: boolean; maxBytes?: number }): Promise<ReceivedBody>;
}

/** A provider's protocol: routing, signatures, handlers and error bodies. */
export interface FrontEnd {
  readonly provider: Provider;
  /** Response header carrying the request id. */
  readonly requestIdHeader: string;
  /** Response header carrying CRC-64, if the provider has one. */
  readonly crc64Header?: string;
  /** True when the Host header names a bucket (virtual-hosted style). */
  isVirtualHost(ex: Exchange): boolean;
  /**
   * Classifies a request without side effects. A method the resource does not allow, or a
   * sub-resource the emulator does not implement, is a refused route (`Route.refused`), answered
   * once the request is authenticated.
   * @throws ProtocolError `InvalidObjectName`, `InvalidBucketName` (a path it cannot classify)
   */
  route(ex: Exchange): Route;
  /**
   * Verifies the request's signature against the clock `now` (ms). `bucketRegion` is the region of
   * the bucket the request names, when that bucket exists (OSS V4 signatures are scoped to it).
   * @throws ProtocolError `SignatureMismatch`, `InvalidAccessKeyId`, `RequestExpired`, `TimeSkewed`, `AccessDenied`
   */
  authenticate(ex: Exchange, route: Route, now: number, bucketRegion: string | undefined): void;
  /**
   * Refuses, as the provider does, an authenticated request for a bucket in `bucketRegion` that came
   * through another region's endpoint (see `common/endpoint-region.ts`).
   * @throws ProtocolError the provider's refusal
   */
  checkEndpoint?(ex: Exchange, route: Route, bucketRegion: string | undefined): void;
  /** Performs the operation. @throws ProtocolError */
  handle(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse>;
  /** Renders `err` the provider's way. */
  errorResponse(err: ProtocolError, ex: Exchange, route: Route | undefined): EmulatorResponse;
  /**
   * Renders a 200 whose body is an error document (the `error-200` fault), for the operations in
   * {@link FrontEnd.error200Operations} only; `code` is the fault's, when it gave one.
   */
  error200?(ex: Exchange, route: Route, code: string | undefined): EmulatorResponse;
  /** The operations the `error-200` fault applies to (none without {@link FrontEnd.error200}): on others it never fires. */
  error200Operations?: ReadonlySet<OperationName>;
}

/**
 * The message of an `error-200` fault's error document: the service's own for an internal error
 * (the default code), else one that names the injected code (never "internal error" under `AccessDenied`).
 * @throws nothing
 */
export function error200Message(code: string | undefined): string {
  return code === undefined ? "We encountered an internal error. Please try again." : `Injected error ${code} (the emulator: error-200 fault).`;
}
