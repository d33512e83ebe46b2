import { pipeline } from "node:stream/promises";
import type { ErrorCode, ObjectInfo, ObjectWriteStream, ReadOptions, Storager, WriteOptions, WriteResult } from "@stowage/core";
import { chunkedReadable, streamToBuffer } from "../fixtures.js";
import { callPath, resolveKey, showKey, type BodySpec, type KeyRef } from "./arbitraries.js";
import { attempt, checkStat, expectBytes, expectOutcome, expectSame } from "./checks.js";
import {
  MODEL_PART_SIZE,
  ModelCommand,
  attributeOptions,
  attributesError,
  callAttributes,
  bodyBytes,
  bodyOf,
  showAttributes,
  showBody,
  slashError,
} from "./model-command.js";
import type { Attributes, StoreModel } from "./store-model.js";

/** `write(path, body, attributes)`, in one request or (multipart) with a small part size and a threshold of 1 byte. */
export class WriteCommand extends ModelCommand {
  constructor(
    readonly ref: KeyRef,
    readonly body: BodySpec,
    readonly attributes: Attributes,
    readonly multipart: boolean,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const key = resolveKey(model, this.ref);
    const path = callPath(store.info.workDir, this.ref, key);
    const what = this.show(JSON.stringify(path));
    const data = bodyBytes(this.body, model.features);
    const options: WriteOptions = callAttributes(model, this.attributes);
    if (this.multipart) Object.assign(options, { multipartThreshold: 1, partSize: MODEL_PART_SIZE });
    const code = attributesError(model, this.attributes) ?? slashError(key) ?? model.fileSlotError(key);
    const got = await attempt(what, () => (this.body.form === "writeStream" ? streamWrite(store, path, data, options) : store.write(path, bodyOf(this.body, data), options)));
    const result = expectOutcome(what, got, code);
    if (code !== undefined) return;
    const min = model.features.multipart ? (model.features.limits.multipartSizeMinimum ?? 0) : 0;
    const parts = this.multipart && model.features.multipart && data.length > 1 ? Math.ceil(data.length / Math.max(MODEL_PART_SIZE, min)) : undefined;
    expectSame(`${what} result`, { size: result.size, parts: result.parts }, { size: data.length, parts });
    model.sawEtag(result.etag);
    model.putFile(key, { data, append: false, ...attributeOptions(this.attributes) }, result.etag);
  }

  private show(path: string): string {
    return `write(${path}, ${showBody(this.body)}${showAttributes(this.attributes)}${this.multipart ? ", multipart" : ""})`;
  }

  toString(): string {
    return this.show(showKey(this.ref));
  }
}

/** Pipes `data` into `createWriteStream(path, options)`; resolves once the stream finished (the object is stored) with its result. */
async function streamWrite(store: Storager, path: string, data: Buffer, options: WriteOptions): Promise<WriteResult> {
  const stream: ObjectWriteStream = store.createWriteStream(path, options);
  await pipeline(chunkedReadable(data, Math.max(5, Math.ceil(data.length / 4))), stream);
  if (stream.result === undefined) throw new Error("createWriteStream finished without a result");
  return stream.result;
}

/** A read range: `offset` and, when given, `size` (either may reach past the end). */
export interface ReadRange {
  offset: number;
  size?: number;
}

/** How a read reads: `read`, `createReadStream`, or `read` fetching ranges two at a time (`readConcurrency`). */
export type ReadVia = "read" | "stream" | "concurrent";

/** `read(path, range)`, or the same through `createReadStream` or in concurrent ranges (a few per object). */
export class ReadCommand extends ModelCommand {
  constructor(
    readonly ref: KeyRef,
    readonly range: ReadRange | undefined,
    readonly via: ReadVia,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    const key = resolveKey(model, this.ref);
    const path = callPath(store.info.workDir, this.ref, key);
    const obj = key.endsWith("/") ? undefined : model.files.get(key);
    const options: ReadOptions = {};
    if (this.range !== undefined && model.features.readRange) {
      options.offset = this.range.offset;
      if (this.range.size !== undefined) options.size = this.range.size;
    }
    if (this.via === "concurrent") Object.assign(options, { readConcurrency: 2, readPartSize: Math.max(3, Math.ceil((obj?.data.length ?? 0) / 5)) });
    const what = this.show(JSON.stringify(path), options);
    let code: ErrorCode | undefined;
    if (obj === undefined) {
      const dir = key.endsWith("/") ? key : model.tree ? key + "/" : undefined;
      code = dir !== undefined && model.dirExists(dir) ? "ObjectModeInvalid" : "ObjectNotExist";
    }
    const call = this.via === "stream" ? () => streamToBuffer(store.createReadStream(path, options)) : () => store.read(path, options);
    const data = expectOutcome(what, await attempt(what, call), code);
    if (obj !== undefined) {
      const offset = options.offset ?? 0;
      const end = options.size === undefined ? obj.data.length : Math.min(obj.data.length, offset + options.size);
      expectBytes(what, data, obj.data.subarray(Math.min(offset, obj.data.length), Math.max(offset, end)));
    }
    return false;
  }

  private show(path: string, options: ReadOptions | undefined): string {
    const shown = options ?? { ...this.range, ...(this.via === "concurrent" ? { readConcurrency: 2 } : {}) };
    return `${this.via === "stream" ? "createReadStream" : "read"}(${path}${Object.keys(shown).length === 0 ? "" : `, ${JSON.stringify(shown)}`})`;
  }

  toString(): string {
    return this.show(showKey(this.ref), undefined);
  }
}

/** How a stat or delete names its path: as given, with a trailing `/`, or with `mode: "dir"`. */
export type PathForm = "plain" | "slash" | "dirMode";

function formPath(key: string, form: PathForm): string {
  return form === "slash" ? key + "/" : key;
}

function showForm(op: string, key: string, form: PathForm): string {
  return `${op}(${key}${form === "slash" ? ' + "/"' : ""}${form === "dirMode" ? ', { mode: "dir" }' : ""})`;
}

/** `stat(path)`: an object, a directory (`d/`, `mode: "dir"`, or `d` on a tree), or `ObjectNotExist`. */
export class StatCommand extends ModelCommand {
  constructor(
    readonly ref: KeyRef,
    readonly form: PathForm,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    const key = resolveKey(model, this.ref);
    const path = callPath(store.info.workDir, this.ref, key);
    const what = showForm("stat", JSON.stringify(path), this.form);
    const got = await attempt(what, () => store.stat(formPath(path, this.form), this.form === "dirMode" ? { mode: "dir" } : {}));
    const obj = this.form === "plain" ? model.files.get(key) : undefined;
    if (obj !== undefined) {
      checkStat(model, what, expectOutcome(what, got, undefined), path, obj);
      return false;
    }
    const asDir = this.form !== "plain" || model.tree;
    const isDir = asDir && model.dirExists(key + "/");
    const info: ObjectInfo = expectOutcome(what, got, isDir ? undefined : "ObjectNotExist");
    if (isDir) expectSame(what, { path: info.path, mode: info.mode }, { path: path + "/", mode: "dir" });
    return false;
  }

  toString(): string {
    return showForm("stat", showKey(this.ref), this.form);
  }
}

/**
 * `delete(path)`: idempotent for objects; a directory needs `mode: "dir"` (`ObjectModeInvalid`
 * without it), and on a tree must be empty (`Conflict`) and not a file (`ObjectModeInvalid`).
 * With virtual directories, `mode: "dir"` removes the `d/` marker only.
 */
export class DeleteCommand extends ModelCommand {
  constructor(
    readonly ref: KeyRef,
    readonly form: PathForm,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const key = resolveKey(model, this.ref);
    const path = callPath(store.info.workDir, this.ref, key);
    const what = showForm("delete", JSON.stringify(path), this.form);
    const dir = key + "/";
    let code: ErrorCode | undefined;
    if (this.form === "dirMode") {
      if (model.tree && model.files.has(key)) code = "ObjectModeInvalid";
      else if (model.tree && model.hasChildren(dir)) code = "Conflict";
    } else if ((this.form === "slash" || model.tree) && model.dirExists(dir)) {
      code = "ObjectModeInvalid";
    }
    const got = await attempt(what, () => store.delete(formPath(path, this.form), this.form === "dirMode" ? { mode: "dir" } : {}));
    expectOutcome(what, got, code);
    if (code !== undefined) return;
    if (this.form === "dirMode") model.dirs.delete(dir);
    else if (this.form === "plain") model.files.delete(key);
  }

  toString(): string {
    return showForm("delete", showKey(this.ref), this.form);
  }
}
