import type { ErrorCode, Storager } from "@stowage/core";
import { callPath, resolveKey, showKey, type KeyRef } from "./arbitraries.js";
import { attempt, expectOutcome, expectSame } from "./checks.js";
import { ModelCommand, attributeOptions, attributesError, callAttributes, capabilityError, showAttributes, slashError } from "./model-command.js";
import type { AppendHandle, Attributes, ModelObject, StoreModel } from "./store-model.js";

/** `createAppend(path)`: creates (or resets to empty) an appendable object; the caller keeps the handle. */
export class CreateAppendCommand extends ModelCommand {
  constructor(
    readonly ref: KeyRef,
    readonly attributes: Attributes,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const key = resolveKey(model, this.ref);
    const path = callPath(store.info.workDir, this.ref, key);
    const what = `createAppend(${JSON.stringify(path)}${showAttributes(this.attributes)})`;
    const code = capabilityError(model.features, "append") ?? attributesError(model, this.attributes) ?? slashError(key) ?? model.fileSlotError(key);
    const got = await attempt(what, () => store.createAppend(path, callAttributes(model, this.attributes)));
    const obj = expectOutcome(what, got, code);
    if (code !== undefined) return;
    expectSame(what, { path: obj.path, mode: obj.mode, appendOffset: obj.appendOffset }, { path, mode: "append", appendOffset: 0 });
    model.putFile(key, { data: Buffer.alloc(0), append: true, ...attributeOptions(this.attributes) });
    model.appends.push({ obj, key, seen: Buffer.alloc(0) });
  }

  toString(): string {
    return `createAppend(${showKey(this.ref)}${showAttributes(this.attributes)})`;
  }
}

/** Picks handle `index` (modulo the handles there are). */
function handleAt(model: StoreModel, index: number): AppendHandle {
  return model.appends[index % model.appends.length]!;
}

/** What a writeAppend through `h` finds: the object it appends to (maybe made anew), or the error. */
function appendTarget(model: StoreModel, h: AppendHandle): ModelObject | ErrorCode {
  const offset = h.obj.appendOffset ?? 0;
  const cur = model.files.get(h.key);
  if (model.tree && model.dirExists(h.key + "/")) return "ObjectModeInvalid";
  if (cur === undefined) {
    if (model.rules.appendToMissing === "notExist") return "ObjectNotExist";
    return offset === 0 ? { data: Buffer.alloc(0), append: true } : "Conflict";
  }
  if (!cur.append && model.rules.appendToPlainFile === "refuse") return "ObjectModeInvalid";
  if (offset !== cur.data.length) return "Conflict";
  if (model.rules.appendOntoOtherBytes === "refuse" && !h.seen.equals(cur.data)) return "ObjectModeInvalid";
  return cur;
}

/**
 * `writeAppend(handle, body)` through one of the handles the caller holds (maybe stale): appends
 * when the handle's offset is the object's length (`Conflict` otherwise). The bytes before the
 * offset being other than the handle saw is `IntegrityMismatch` where the service returns CRC-64
 * (the bytes are appended, the handle does not move), or `ObjectModeInvalid` with nothing appended
 * where the rules say so (fs). Objects gone or replaced answer by the rules.
 */
export class WriteAppendCommand extends ModelCommand {
  constructor(
    readonly handle: number,
    readonly text: string,
  ) {
    super();
  }

  override check(model: Readonly<StoreModel>): boolean {
    return model.appends.length > 0;
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const h = handleAt(model, this.handle);
    const data = Buffer.from(this.text, "utf8");
    const target = appendTarget(model, h);
    const grown = typeof target === "string" ? undefined : Buffer.concat([target.data, data]);
    let code = typeof target === "string" ? target : undefined;
    if (typeof target !== "string" && !h.seen.equals(target.data) && model.features.crc64) code = "IntegrityMismatch";
    const what = `${this} on ${JSON.stringify(h.key)} at ${h.obj.appendOffset}`;
    const result = expectOutcome(what, await attempt(what, () => store.writeAppend(h.obj, data)), code);
    if (typeof target === "string") return;
    model.putFile(h.key, { ...target, data: grown! });
    if (code !== undefined) return;
    expectSame(what, { size: result.size, appendOffset: result.appendOffset, handle: h.obj.appendOffset }, { size: data.length, appendOffset: grown!.length, handle: grown!.length });
    h.seen = grown!;
  }

  toString(): string {
    return `writeAppend(handle ${this.handle}, ${JSON.stringify(this.text)})`;
  }
}

/** Keeps a copy of a handle as it is now: appending through it later is appending at a stale offset. */
export class SnapshotAppendCommand extends ModelCommand {
  constructor(readonly handle: number) {
    super();
  }

  override check(model: Readonly<StoreModel>): boolean {
    return model.appends.length > 0;
  }

  protected async apply(model: StoreModel): Promise<boolean> {
    const h = handleAt(model, this.handle);
    model.appends.push({ obj: { ...h.obj }, key: h.key, seen: h.seen });
    return false;
  }

  toString(): string {
    return `snapshot(handle ${this.handle})`;
  }
}

/** `commitAppend(handle)` where the handle's object is still an appendable object: succeeds and changes nothing. */
export class CommitAppendCommand extends ModelCommand {
  constructor(readonly handle: number) {
    super();
  }

  override check(model: Readonly<StoreModel>): boolean {
    return model.appends.length > 0;
  }

  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    const h = handleAt(model, this.handle);
    if (model.files.get(h.key)?.append !== true) return false;
    expectOutcome(`${this} on ${JSON.stringify(h.key)}`, await attempt(this.toString(), () => store.commitAppend(h.obj)), undefined);
    return true;
  }

  toString(): string {
    return `commitAppend(handle ${this.handle})`;
  }
}
