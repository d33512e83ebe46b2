// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts through the package's own exports), never run: every optional property of the
// options users pass takes a value that may be undefined, as the AWS SDK v3's inputs do, and so do
// ObjectInfo and Part, which are inputs too (an upload or append rebuilt from a checkpoint), while
// what only Stowage returns (results, pages, ObjectHeaders) keeps `?:` meaning "absent"
// (`outputsRefuse` fails the compile if those ever admit an explicit undefined).
import type {
  CompleteMultipartOptions,
  CopyOptions,
  CreateAppendOptions,
  CreateBucketOptions,
  DeleteBucketOptions,
  CreateDirOptions,
  CreateMultipartOptions,
  DeleteManyOptions,
  DeleteOptions,
  ExtraOptionsOf,
  FetchOptions,
  ListOptions,
  ListPage,
  MoveOptions,
  MultipartInfo,
  MultipartUploadOptions,
  ObjectHeaderOptions,
  ObjectHeaders,
  ObjectInfo,
  Part,
  PresignOptions,
  ReadOptions,
  RestoreOptions,
  RestoreTier,
  Servicer,
  StatOptions,
  Storager,
  WriteAppendOptions,
  WriteMultipartOptions,
  WriteOptions,
  WriteResult,
} from "@stowage/core";
import { definePair } from "@stowage/core";

// --- Every optional key of every input type, checked one by one ----------------------------

/** The keys `T` may leave out. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** The optional keys of `T` that refuse an explicit undefined (under exactOptionalPropertyTypes). */
type RefusingUndefined<T> = { [K in OptionalKeys<T>]-?: { [P in K]: undefined } extends Pick<T, K> ? never : K }[OptionalKeys<T>];
/** `true` when no optional key of `T` refuses undefined; else the offending keys show in the error. */
type TakesUndefined<T> = [RefusingUndefined<T>] extends [never] ? true : { refusing: RefusingUndefined<T> };

export const inputs: [
  TakesUndefined<StatOptions>,
  TakesUndefined<ReadOptions>,
  TakesUndefined<WriteOptions>,
  TakesUndefined<DeleteOptions>,
  TakesUndefined<DeleteManyOptions>,
  TakesUndefined<ListOptions>,
  TakesUndefined<CopyOptions>,
  TakesUndefined<MoveOptions>,
  TakesUndefined<FetchOptions>,
  TakesUndefined<CreateDirOptions>,
  TakesUndefined<PresignOptions>,
  TakesUndefined<CreateAppendOptions>,
  TakesUndefined<WriteAppendOptions>,
  TakesUndefined<CreateMultipartOptions>,
  TakesUndefined<WriteMultipartOptions>,
  TakesUndefined<CompleteMultipartOptions>,
  TakesUndefined<RestoreOptions>,
  TakesUndefined<ObjectHeaderOptions>,
  TakesUndefined<CreateBucketOptions>,
  TakesUndefined<DeleteBucketOptions>,
  TakesUndefined<NonNullable<Parameters<Servicer["get"]>[1]>>,
  TakesUndefined<MultipartUploadOptions>,
  TakesUndefined<ObjectInfo>,
  TakesUndefined<MultipartInfo>,
  TakesUndefined<Part>,
  TakesUndefined<NonNullable<ObjectInfo["restore"]>>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

/** What results give: `?:` there means absent, and an explicit undefined stays refused. */
type Refusing<T extends unknown[]> = { [I in keyof T]: [RefusingUndefined<T[I]>] extends [never] ? false : true };
export const outputsRefuse: Refusing<[ObjectHeaders, WriteResult, ListPage]> = [true, true, true];

// --- Call sites as users write them, with values that may be undefined -------------------------

declare const store: Storager;
declare const servicer: Servicer;
declare const info: ObjectInfo;
declare const part: Part;
declare function maybe<T>(): T | undefined;

const signal = maybe<AbortSignal>();
const onProgress = maybe<(p: { bytes: number; total?: number }) => void>();
const headers = {
  cacheControl: info.cacheControl,
  contentDisposition: info.contentDisposition,
  contentEncoding: info.contentEncoding,
  httpExpires: info.httpExpires,
};
const conditions = { ifMatch: info.etag, ifNoneMatch: maybe<string>() };

export async function callSites(): Promise<void> {
  await store.stat("a", { signal, ...conditions, multipartId: info.multipartId, mode: maybe<"dir">() });
  const read = {
    signal,
    onProgress,
    ...conditions,
    offset: info.appendOffset,
    size: info.size,
    readConcurrency: maybe<number>(),
    readPartSize: maybe<number>(),
    onObject: maybe<(o: ObjectInfo | undefined) => void>(),
  };
  await store.read("a", read);
  store.createReadStream("a", read);
  const write = {
    signal,
    onProgress,
    ...headers,
    multipartThreshold: maybe<number>(),
    partSize: maybe<number>(),
    concurrency: maybe<number>(),
    partContentMd5: maybe<boolean>(),
    size: info.size,
    contentType: info.contentType,
    contentMd5: info.contentMd5,
    metadata: info.metadata,
    storageClass: info.storageClass,
    ifNotExists: maybe<boolean>(),
    multipartId: info.multipartId,
    resumeOffset: maybe<number>(),
    crc64: info.crc64,
    onMultipartCreate: maybe<(id: string) => void>(),
  };
  await store.write("a", "body", write);
  store.createWriteStream("a", write);
  await store.delete("a", { signal, multipartId: info.multipartId, mode: maybe<"dir">() });
  await store.deleteMany(["a"], { signal });
  const list = { signal, mode: maybe<"dir" | "prefix" | "part">(), limit: maybe<number>(), token: maybe<string>(), startAfter: maybe<string>() };
  for await (const o of store.list("d/", list)) void o;
  await store.listPage("d/", list);
  const attributes = { ...headers, contentType: info.contentType, metadata: info.metadata, storageClass: info.storageClass };
  await store.copy("a", "b", { signal, onProgress, ...attributes, ifNotExists: maybe<boolean>() });
  await store.move("a", "b", { signal, onProgress, ifNotExists: maybe<boolean>() });
  await store.fetch("a", "https://example.com/a", { signal, onProgress });
  await store.createDir("d/", { signal, storageClass: info.storageClass });
  await store.createLink("l", "a", { signal });
  await store.presign("read", "a", {
    expires: 60,
    signal,
    ...headers,
    offset: info.appendOffset,
    size: info.size,
    responseContentType: maybe<string>(),
    responseContentDisposition: maybe<string>(),
    responseCacheControl: maybe<string>(),
    responseContentEncoding: maybe<string>(),
    responseContentLanguage: maybe<string>(),
    responseExpires: maybe<string>(),
    contentType: info.contentType,
    contentMd5: info.contentMd5,
    storageClass: info.storageClass,
    multipartId: info.multipartId,
    index: maybe<number>(),
    parts: maybe<readonly Part[]>(),
  });
  const appendable = await store.createAppend("a", { signal, ...attributes });
  await store.writeAppend(appendable, "more", { signal, onProgress, size: info.size, contentMd5: info.contentMd5 });
  await store.commitAppend(appendable, { signal });
  const upload = await store.createMultipart("m", { signal, ...attributes });
  await store.writeMultipart(upload, "part", { index: part.index, signal, onProgress, size: info.size, contentMd5: info.contentMd5 });
  await store.completeMultipart(upload, [part], { signal, ifNotExists: maybe<boolean>() });
  for await (const p of store.listMultipart(upload, { signal })) void p;
  await store.restore("a", { signal, days: maybe<number>(), tier: maybe<RestoreTier>() });

  await servicer.create("bucket", { signal, location: maybe<string>() });
  servicer.get("bucket", { workDir: maybe<string>() });
  await servicer.delete("bucket", { signal, location: maybe<string>() });
  for await (const s of servicer.list({ signal })) void s;
}

// --- A driver's own pairs (ExtraOptionsOf) take undefined as well ---------------------------------

const driverPairs = {
  serverSideEncryption: definePair({ name: "server_side_encryption", type: "string", description: "SSE mode.", operations: ["write", "copy"] }),
  trafficLimit: definePair({ name: "traffic_limit", type: "integer", description: "Bytes per second.", operations: ["read", "write"] }),
} as const;
declare const driverStore: Storager<ExtraOptionsOf<typeof driverPairs>>;

export async function driverCallSites(): Promise<void> {
  await driverStore.write("a", "body", { size: info.size, serverSideEncryption: maybe<string>(), trafficLimit: maybe<number>() });
  await driverStore.read("a", { offset: info.appendOffset, trafficLimit: maybe<number>() });
  await driverStore.copy("a", "b", { serverSideEncryption: maybe<string>() });
}
