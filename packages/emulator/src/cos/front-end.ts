import { wrongRegionEndpoint } from "../common/endpoint-region.js";
import type { OperationName, Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { ERROR_200_OPERATIONS_BY_PROVIDER } from "../faults/error-200.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { error200Message, type FrontEnd, type FrontEndConfig, type HandlerContext } from "../server/front-end.js";
import { authenticateCos } from "./auth.js";
import { cosBucketLocation, cosCreateBucket, cosDeleteBucket, cosDeleteObjects, cosHeadBucket, cosListBuckets, cosListObjects } from "./bucket-handlers.js";
import { cosErrorResponse, cosErrorXml } from "./errors.js";
import { cosAbort, cosComplete, cosInitiate, cosListParts, cosListUploads, cosUploadPart, cosUploadPartCopy } from "./multipart-handlers.js";
import { cosAppendObject, cosCopyObject, cosDeleteObject, cosGetObject, cosPutObject } from "./object-handlers.js";
import { COS_CRC } from "./object-headers.js";
import { cosRestoreObject } from "./restore-handler.js";
import { cosVirtualHost, routeCos } from "./router.js";

/** What a COS 200-with-error answer sends before its `<Error>` element: keep-alive whitespace. */
const ERROR_200_WHITESPACE = " ".repeat(32) + "\n" + " ".repeat(32) + "\n";

type Handler = (ex: Exchange, route: Route, ctx: HandlerContext) => EmulatorResponse | Promise<EmulatorResponse>;

const HANDLERS: Partial<Record<OperationName, Handler>> = {
  ListBuckets: cosListBuckets,
  CreateBucket: cosCreateBucket,
  DeleteBucket: cosDeleteBucket,
  HeadBucket: cosHeadBucket,
  GetBucketLocation: cosBucketLocation,
  ListObjects: cosListObjects,
  DeleteObjects: cosDeleteObjects,
  PutObject: cosPutObject,
  GetObject: cosGetObject,
  HeadObject: cosGetObject,
  DeleteObject: cosDeleteObject,
  CopyObject: cosCopyObject,
  AppendObject: cosAppendObject,
  InitiateMultipartUpload: cosInitiate,
  UploadPart: cosUploadPart,
  UploadPartCopy: cosUploadPartCopy,
  CompleteMultipartUpload: cosComplete,
  AbortMultipartUpload: cosAbort,
  ListParts: cosListParts,
  ListMultipartUploads: cosListUploads,
  RestoreObject: cosRestoreObject,
};

/** The Tencent COS XML API front-end. */
export function createCosFrontEnd(config: FrontEndConfig): FrontEnd {
  return {
    provider: "cos",
    requestIdHeader: "x-cos-request-id",
    crc64Header: COS_CRC,
    isVirtualHost: (ex) => cosVirtualHost(ex) !== undefined,
    route: routeCos,
    authenticate: (ex, route, now) => authenticateCos(ex, route, config, now),
    /**
     * A bucket asked for through another region's endpoint is 404 `NoSuchBucket`: a COS bucket lives
     * in one region (its host is `<bucket>.cos.<region>.myqcloud.com`), and COS documents no other
     * answer for one addressed elsewhere (the error-code list has no endpoint or region error;
     * NoSuchBucket is "the specified bucket does not exist"). An assumption, see the README.
     */
    checkEndpoint(_ex, route, bucketRegion) {
      if (wrongRegionEndpoint(route, bucketRegion)) throw new ProtocolError("NoSuchBucket", "The specified bucket does not exist.");
    },
    async handle(ex, route, ctx) {
      const h = HANDLERS[route.operation];
      if (h === undefined) throw new ProtocolError("NotImplemented", "This operation is not implemented by the emulator.");
      return h(ex, route, ctx);
    },
    errorResponse: cosErrorResponse,
    /**
     * The `<Error>` document with whitespace between its XML declaration and the `<Error>`: COS may
     * stream whitespace while it works on a Complete or a copy, then put the error in the 200's
     * body (`protocols.md` §1.3), so a client must look past it for the error.
     */
    error200(ex, route, code) {
      const resource = `${route.bucket ?? ""}/${route.key ?? ""}`;
      const xml = cosErrorXml(code ?? "InternalError", error200Message(code), resource, ex.requestId);
      const start = xml.indexOf("<Error>");
      const body = Buffer.from(`${xml.slice(0, start)}${ERROR_200_WHITESPACE}${xml.slice(start)}`);
      return { status: 200, headers: { "content-type": "application/xml" }, body };
    },
    error200Operations: new Set<OperationName>(ERROR_200_OPERATIONS_BY_PROVIDER.cos),
  };
}
