import { wrongRegionEndpoint } from "../common/endpoint-region.js";
import type { OperationName, Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { ERROR_200_OPERATIONS_BY_PROVIDER } from "../faults/error-200.js";
import { header, type EmulatorResponse, type Exchange } from "../server/exchange.js";
import { error200Message, type FrontEnd, type FrontEndConfig, type HandlerContext } from "../server/front-end.js";
import { authenticateOss } from "./auth.js";
import { ossBucketInfo, ossBucketLocation, ossCreateBucket, ossDeleteBucket, ossDeleteObjects, ossListBuckets, ossListObjects } from "./bucket-handlers.js";
import { ossErrorResponse, ossErrorXml, wrongEndpoint } from "./errors.js";
import { ossAbort, ossComplete, ossInitiate, ossListParts, ossListUploads, ossUploadPart, ossUploadPartCopy } from "./multipart-handlers.js";
import { ossAppendObject, ossCopyObject, ossDeleteObject, ossGetObject, ossPutObject } from "./object-handlers.js";
import { OSS_CRC } from "./object-headers.js";
import { ossRestoreObject } from "./restore-handler.js";
import { ossVirtualHost, routeOss } from "./router.js";
import { ossGetSymlink, ossPutSymlink } from "./symlink-handlers.js";

type Handler = (ex: Exchange, route: Route, ctx: HandlerContext) => EmulatorResponse | Promise<EmulatorResponse>;

const HANDLERS: Partial<Record<OperationName, Handler>> = {
  ListBuckets: ossListBuckets,
  CreateBucket: ossCreateBucket,
  DeleteBucket: ossDeleteBucket,
  HeadBucket: ossBucketInfo,
  GetBucketLocation: ossBucketLocation,
  ListObjects: ossListObjects,
  DeleteObjects: ossDeleteObjects,
  PutObject: ossPutObject,
  GetObject: ossGetObject,
  HeadObject: ossGetObject,
  DeleteObject: ossDeleteObject,
  CopyObject: ossCopyObject,
  AppendObject: ossAppendObject,
  InitiateMultipartUpload: ossInitiate,
  UploadPart: ossUploadPart,
  UploadPartCopy: ossUploadPartCopy,
  CompleteMultipartUpload: ossComplete,
  AbortMultipartUpload: ossAbort,
  ListParts: ossListParts,
  ListMultipartUploads: ossListUploads,
  PutSymlink: ossPutSymlink,
  GetSymlink: ossGetSymlink,
  RestoreObject: ossRestoreObject,
};

/** The Aliyun OSS front-end (V1 and V4 signatures, virtual-host and path style). */
export function createOssFrontEnd(config: FrontEndConfig): FrontEnd {
  return {
    provider: "oss",
    requestIdHeader: "x-oss-request-id",
    crc64Header: OSS_CRC,
    isVirtualHost: (ex) => ossVirtualHost(ex) !== undefined,
    route: routeOss,
    authenticate: (ex, route, now, bucketRegion) => authenticateOss(ex, route, config, now, bucketRegion),
    // GetBucketLocation is exempt: OSS documents it on the region-less `<bucket>.oss.aliyuncs.com` host.
    checkEndpoint(_ex, route, bucketRegion) {
      if (wrongRegionEndpoint(route, bucketRegion, ["GetBucketLocation"])) throw wrongEndpoint(route.bucket!, bucketRegion!);
    },
    async handle(ex, route, ctx) {
      const h = HANDLERS[route.operation];
      if (h === undefined) throw new ProtocolError("NotImplemented", "This operation is not implemented by the emulator.");
      return h(ex, route, ctx);
    },
    errorResponse: ossErrorResponse,
    // OSS documents no such answer; offered so a client can show it never takes one for a batch result.
    error200(ex, _route, code) {
      const err = new ProtocolError("InternalError", error200Message(code));
      const body = Buffer.from(ossErrorXml(err, code ?? "InternalError", "", ex.requestId, header(ex, "host") ?? ""));
      return { status: 200, headers: { "content-type": "application/xml" }, body };
    },
    error200Operations: new Set<OperationName>(ERROR_200_OPERATIONS_BY_PROVIDER.oss),
  };
}
