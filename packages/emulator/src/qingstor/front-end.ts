import type { OperationName, Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { ERROR_200_OPERATIONS_BY_PROVIDER } from "../faults/error-200.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { error200Message, type FrontEnd, type FrontEndConfig, type HandlerContext } from "../server/front-end.js";
import { authenticateQingStor } from "./auth.js";
import { qsCreateBucket, qsDeleteBucket, qsDeleteObjects, qsHeadBucket, qsListBuckets, qsListObjects } from "./bucket-handlers.js";
import { qsErrorBody, qsErrorResponse } from "./errors.js";
import { qsAbort, qsComplete, qsInitiate, qsListParts, qsListUploads, qsUploadPart, qsUploadPartCopy } from "./multipart-handlers.js";
import { qsAppendObject, qsCopyObject, qsDeleteObject, qsFetchObject, qsGetObject, qsMoveObject, qsPutObject } from "./object-handlers.js";
import { routeQingStor } from "./router.js";

type Handler = (ex: Exchange, route: Route, ctx: HandlerContext) => EmulatorResponse | Promise<EmulatorResponse>;

const HANDLERS: Partial<Record<OperationName, Handler>> = {
  ListBuckets: qsListBuckets,
  CreateBucket: qsCreateBucket,
  DeleteBucket: qsDeleteBucket,
  HeadBucket: qsHeadBucket,
  GetBucketLocation: qsHeadBucket,
  ListObjects: qsListObjects,
  DeleteObjects: qsDeleteObjects,
  PutObject: qsPutObject,
  GetObject: qsGetObject,
  HeadObject: qsGetObject,
  DeleteObject: qsDeleteObject,
  CopyObject: qsCopyObject,
  MoveObject: qsMoveObject,
  FetchObject: qsFetchObject,
  AppendObject: qsAppendObject,
  InitiateMultipartUpload: qsInitiate,
  UploadPart: qsUploadPart,
  UploadPartCopy: qsUploadPartCopy,
  CompleteMultipartUpload: qsComplete,
  AbortMultipartUpload: qsAbort,
  ListParts: qsListParts,
  ListMultipartUploads: qsListUploads,
};

/** The QingStor front-end (path style; QS signatures of the JS and Go SDKs). QingStor has no CRC-64 header. */
export function createQingStorFrontEnd(config: FrontEndConfig): FrontEnd {
  return {
    provider: "qingstor",
    requestIdHeader: "x-qs-request-id",
    isVirtualHost: () => false,
    route: routeQingStor,
    authenticate: (ex, route, now) => authenticateQingStor(ex, route, config, now),
    async handle(ex, route, ctx) {
      const h = HANDLERS[route.operation];
      if (h === undefined) throw new ProtocolError("NotImplemented", "This operation is not implemented by the emulator.");
      return h(ex, route, ctx);
    },
    errorResponse: qsErrorResponse,
    // QingStor documents no such answer; offered so a client can show it never takes one for a batch result.
    error200(ex, _route, code) {
      const body = qsErrorBody(code ?? "internal_server_error", error200Message(code), ex.requestId);
      return { status: 200, headers: { "content-type": "application/json" }, body };
    },
    error200Operations: new Set<OperationName>(ERROR_200_OPERATIONS_BY_PROVIDER.qingstor),
  };
}
