// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts through the package's own exports), never run: what core's types say of its calls,
// as application code meets them. A line under `// @ts-expect-error` must fail to compile: were
// the types to let it through, the directive itself would fail the compile (TS2578).
import type {
  ErrorCode,
  ExtraOptionsOf,
  MultipartInfo,
  ObjectInfo,
  ObjectWriteStream,
  PairSet,
  Part,
  Storager,
  WriteResult,
} from "@stowage/core";
import { definePair, isStorageError } from "@stowage/core";

declare const store: Storager;

// --- isStorageError(e, code) narrows `code` -----------------------------------------------------

export function codes(e: unknown): void {
  if (isStorageError(e, "ObjectNotExist")) {
    const code: "ObjectNotExist" = e.code;
    // @ts-expect-error the code is the one asked, no other
    const other: "Conflict" = e.code;
    void [code, other];
  }
  if (isStorageError(e)) {
    const any: ErrorCode = e.code;
    // @ts-expect-error without a code, any code
    const one: "ObjectNotExist" = e.code;
    void [any, one];
  }
}

// --- Results: createWriteStream's result, createMultipart's id, frozen limits ---------------------

export async function results(): Promise<void> {
  const ws: ObjectWriteStream = store.createWriteStream("a");
  ws.on("finish", () => {
    const result: WriteResult | undefined = store.createWriteStream("b").result ?? ws.result;
    void result;
  });
  const upload: MultipartInfo = await store.createMultipart("big");
  const id: string = (await store.createMultipart("big")).multipartId;
  const mode: "part" = upload.mode;
  void [id, mode];
  // @ts-expect-error the limits are frozen: read-only in the type too
  store.features.limits.keyMaximum = 1;
}

// --- Inputs rebuilt from a checkpoint, with fields that may be undefined ---------------------------

declare const checkpoint: {
  path: string;
  uploadId: string | undefined;
  parts: { index: number; size: number; etag: string; crc64: string | undefined }[];
  append: { size: number | undefined; crc64: string | undefined };
};

export async function resumed(): Promise<void> {
  const upload: ObjectInfo = { path: checkpoint.path, mode: "part", multipartId: checkpoint.uploadId };
  const parts: Part[] = checkpoint.parts;
  await store.completeMultipart(upload, checkpoint.parts);
  for await (const p of store.listMultipart(upload)) parts.push(p);
  await store.presign("completeMultipart", checkpoint.path, { expires: 60, multipartId: checkpoint.uploadId, parts: checkpoint.parts });
  const appendable: ObjectInfo = { path: checkpoint.path, mode: "append", appendOffset: checkpoint.append.size, crc64: checkpoint.append.crc64 };
  await store.writeAppend(appendable, "more");
  // @ts-expect-error a Part still needs its index, size and ETag
  const partial: Part = { index: 0, size: 1 };
  void partial;
}

// --- deleteMany deletes objects only ------------------------------------------------------------------

export async function deletes(): Promise<void> {
  await store.deleteMany(["a", "b"], { signal: AbortSignal.timeout(1000) });
  // @ts-expect-error no mode: deleteMany deletes objects only
  await store.deleteMany(["d/"], { mode: "dir" });
  // @ts-expect-error no multipartId: abort an upload with delete
  await store.deleteMany(["a"], { multipartId: "upload" });
}

// --- ExtraOptionsOf: literal pairs keep their keys; a widened PairSet adds no option -----------------

const driverPairs = {
  serverSideEncryption: definePair({ name: "server_side_encryption", type: "string", description: "SSE mode.", operations: ["write"] }),
} as const satisfies PairSet;
type DriverOptions = ExtraOptionsOf<typeof driverPairs>;
const widenedPairs: PairSet = driverPairs;
declare const typed: Storager<DriverOptions>;
declare const widened: Storager<ExtraOptionsOf<typeof widenedPairs>>;

export async function driverOptions(): Promise<void> {
  await typed.write("a", "b", { serverSideEncryption: "AES256", contentType: "text/plain" });
  // @ts-expect-error a misspelt driver option
  await typed.write("a", "b", { serverSideEncrpytion: "AES256" });
  await widened.write("a", "b", { contentType: "text/plain" });
  // @ts-expect-error a widened PairSet's keys are unknown: no option is accepted for them
  await widened.write("a", "b", { anything: 42 });
  // @ts-expect-error not even the pair it held
  await widened.write("a", "b", { serverSideEncryption: "AES256" });
}

// --- Storager<X> depends on X: a driver's storager passes as a plain one, not the other way ----------

const otherPairs = {
  serverSideEncryption: definePair({ name: "server_side_encryption", type: "string", description: "Another driver's SSE.", operations: ["write"] }),
} as const satisfies PairSet;
declare const other: Storager<ExtraOptionsOf<typeof otherPairs>>;
declare function generic(s: Storager): void;
declare function driverOnly(s: Storager<DriverOptions>): void;

generic(typed);
generic(other);
driverOnly(typed);
// @ts-expect-error a plain Storager is not the driver's
driverOnly(store);
// @ts-expect-error nor is another driver's, though its option has the same name and type
driverOnly(other);
