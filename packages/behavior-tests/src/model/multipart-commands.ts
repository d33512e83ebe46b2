import type { ErrorCode, Part, Storager } from "@stowage/core";
import { collect } from "../fixtures.js";
import { callPath, resolveKey, showKey, type KeyRef } from "./arbitraries.js";
import { attempt, bareEtag, expectOutcome, expectSame } from "./checks.js";
import { ModelCommand, attributeOptions, attributesError, callAttributes, capabilityError, showAttributes, slashError } from "./model-command.js";
import type { Attributes, ModelUpload, StoreModel } from "./store-model.js";

/** `createMultipart(path)`: a `part` object with its `multipartId`, listed in part mode until completed or aborted. */
export class CreateMultipartCommand extends ModelCommand {
  constructor(
    readonly ref: KeyRef,
    readonly attributes: Attributes,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const key = resolveKey(model, this.ref);
    const path = callPath(store.info.workDir, this.ref, key);
    const what = `createMultipart(${JSON.stringify(path)}${showAttributes(this.attributes)})`;
    const slot = model.rules.multipartSlotCheck === "create" ? model.fileSlotError(key) : undefined;
    const code = capabilityError(model.features, "multipart") ?? attributesError(model, this.attributes) ?? slashError(key) ?? slot;
    const got = await attempt(what, () => store.createMultipart(path, callAttributes(model, this.attributes)));
    const obj = expectOutcome(what, got, code);
    if (code !== undefined) return;
    expectSame(what, { path: obj.path, mode: obj.mode, id: typeof obj.multipartId }, { path, mode: "part", id: "string" });
    model.uploads.push({ obj, key, attributes: attributeOptions(this.attributes), parts: new Map(), alive: true });
  }

  toString(): string {
    return `createMultipart(${showKey(this.ref)}${showAttributes(this.attributes)})`;
  }
}

/** Base of the commands that work on one upload (picked by index, modulo the uploads there are, finished ones too). */
abstract class UploadCommand extends ModelCommand {
  constructor(readonly upload: number) {
    super();
  }

  override check(model: Readonly<StoreModel>): boolean {
    return model.uploads.length > 0;
  }

  protected uploadOf(model: StoreModel): ModelUpload {
    return model.uploads[this.upload % model.uploads.length]!;
  }
}

/** Which part a writeMultipart sends: an index, the one after the highest sent (`next`), or the highest again (`last`). */
export type PartIndex = number | "next" | "last";

/** `writeMultipart(upload, body, { index })`: a part of `text`, or (`full`) of the minimum part size; `ObjectNotExist` once the upload is finished. */
export class WriteMultipartCommand extends UploadCommand {
  constructor(
    upload: number,
    readonly index: PartIndex,
    readonly text: string,
    readonly full: boolean,
  ) {
    super(upload);
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const u = this.uploadOf(model);
    const min = model.features.limits.multipartSizeMinimum ?? 16;
    const data = this.full ? Buffer.alloc(min, "m") : Buffer.from(this.text, "utf8");
    const highest = Math.max(-1, ...u.parts.keys());
    const index = this.index === "next" ? highest + 1 : this.index === "last" ? Math.max(0, highest) : this.index;
    const what = `${this.show(index)} on ${JSON.stringify(u.key)}`;
    const part = expectOutcome(what, await attempt(what, () => store.writeMultipart(u.obj, data, { index })), u.alive ? undefined : "ObjectNotExist");
    if (!u.alive) return;
    expectSame(what, { index: part.index, size: part.size }, { index, size: data.length });
    u.parts.set(index, { data, part });
  }

  private show(index: PartIndex): string {
    return `writeMultipart(upload ${this.upload}, ${this.full ? "<min part size>" : JSON.stringify(this.text)}, { index: ${JSON.stringify(index)} })`;
  }

  toString(): string {
    return this.show(this.index);
  }
}

/**
 * `completeMultipart(upload, parts)` with every part sent (or none). Checked in core's order:
 * the parts must be numbered 0..n-1 (`InvalidArgument`), the upload must exist (`ObjectNotExist`),
 * every part but the last must reach the storage's minimum part size (`InvalidArgument`, the upload
 * kept), and on a tree nothing may be in the object's way (`ObjectModeInvalid`, the upload kept).
 */
export class CompleteMultipartCommand extends UploadCommand {
  constructor(
    upload: number,
    readonly noParts: boolean,
  ) {
    super(upload);
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const u = this.uploadOf(model);
    const sent = this.noParts ? [] : [...u.parts.entries()].sort(([a], [b]) => a - b);
    const code = this.expectedError(model, u, sent.map(([, p]) => p.data.length));
    const parts: Part[] = sent.map(([, p]) => p.part);
    const what = `${this} on ${JSON.stringify(u.key)} with parts ${JSON.stringify(sent.map(([i, p]) => [i, p.data.length]))}`;
    const result = expectOutcome(what, await attempt(what, () => store.completeMultipart(u.obj, parts)), code);
    if (code !== undefined) return;
    const data = Buffer.concat(sent.map(([, p]) => p.data));
    expectSame(what, { size: result.size, parts: result.parts }, { size: data.length, parts: sent.length });
    model.putFile(u.key, { data, append: false, ...u.attributes });
    u.alive = false;
  }

  private expectedError(model: StoreModel, u: ModelUpload, sizes: number[]): ErrorCode | undefined {
    if (sizes.length === 0 || [...u.parts.keys()].sort((a, b) => a - b).some((index, at) => index !== at)) return "InvalidArgument";
    if (!u.alive) return "ObjectNotExist";
    const min = model.features.limits.multipartSizeMinimum;
    if (min !== undefined && sizes.slice(0, -1).some((size) => size < min)) return "InvalidArgument";
    return model.fileSlotError(u.key);
  }

  toString(): string {
    return `completeMultipart(upload ${this.upload}${this.noParts ? ", []" : ""})`;
  }
}

/** `listMultipart(upload)` and `stat(path, { multipartId })`: the parts sent (index, size, ETag); `ObjectNotExist` once finished. */
export class ListMultipartCommand extends UploadCommand {
  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    const u = this.uploadOf(model);
    const code = u.alive ? undefined : "ObjectNotExist";
    const what = `${this} on ${JSON.stringify(u.key)}`;
    const listed = expectOutcome(what, await attempt(what, () => collect(store.listMultipart(u.obj))), code);
    const stat = expectOutcome(`stat of ${what}`, await attempt(what, () => store.stat(u.obj.path, { multipartId: u.obj.multipartId! })), code);
    if (code !== undefined) return false;
    const expected = [...u.parts.entries()].sort(([a], [b]) => a - b).map(([index, p]) => ({ index, size: p.data.length, etag: bareEtag(p.part.etag) }));
    expectSame(what, listed.map((p) => ({ index: p.index, size: p.size, etag: bareEtag(p.etag) })), expected);
    expectSame(`stat of ${what}`, { path: stat.path, mode: stat.mode, multipartId: stat.multipartId }, { path: u.obj.path, mode: "part", multipartId: u.obj.multipartId });
    return false;
  }

  toString(): string {
    return `listMultipart(upload ${this.upload})`;
  }
}

/** `delete(path, { multipartId })`: aborts the upload; idempotent (a finished upload is no error). */
export class AbortMultipartCommand extends UploadCommand {
  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const u = this.uploadOf(model);
    const what = `${this} on ${JSON.stringify(u.key)}`;
    expectOutcome(what, await attempt(what, () => store.delete(u.obj.path, { multipartId: u.obj.multipartId! })), undefined);
    u.alive = false;
  }

  toString(): string {
    return `abortMultipart(upload ${this.upload})`;
  }
}
