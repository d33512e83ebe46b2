import type { ErrorCode, Storager } from "@stowage/core";
import { callPath, resolveKey, showKey, type KeyRef } from "./arbitraries.js";
import { attempt, expectOutcome, expectSame } from "./checks.js";
import { ModelCommand, capabilityError } from "./model-command.js";
import type { ModelObject, StoreModel } from "./store-model.js";

/**
 * What the source of a copy or move is: the object, or the error reading it would give
 * (`ObjectModeInvalid` for a directory, `ObjectNotExist` for nothing).
 */
function sourceOf(model: StoreModel, src: string): ModelObject | ErrorCode {
  const obj = src.endsWith("/") ? undefined : model.files.get(src);
  if (obj !== undefined) return obj;
  // `d` with no object but a directory `d/` (a tree's, or a service's marker or objects below) is a directory on every driver.
  const dir = src.endsWith("/") ? src : src + "/";
  return model.dirExists(dir) ? "ObjectModeInvalid" : "ObjectNotExist";
}

/**
 * `copy(src, dst)` or `move(src, dst)`. Checked in the order core and the drivers check: the
 * destination path (`InvalidArgument` for `d/`; for a move also the same object), the source
 * (missing, a directory, an appendable object the storage will not copy or move), then what is
 * in the destination's way on a tree (`ObjectModeInvalid`). A copy onto itself changes nothing.
 */
export class RelocateCommand extends ModelCommand {
  constructor(
    readonly op: "copy" | "move",
    readonly srcRef: KeyRef,
    readonly dstRef: KeyRef,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const src = resolveKey(model, this.srcRef);
    const dst = resolveKey(model, this.dstRef);
    const srcPath = callPath(store.info.workDir, this.srcRef, src);
    const dstPath = callPath(store.info.workDir, this.dstRef, dst);
    const what = `${this.op}(${JSON.stringify(srcPath)}, ${JSON.stringify(dstPath)})`;
    const source = sourceOf(model, src);
    const code = this.expectedError(model, source, src, dst);
    const got = await attempt(what, () => store[this.op](srcPath, dstPath));
    expectOutcome(what, got, code);
    if (code !== undefined || typeof source === "string" || src === dst) return;
    if (this.op === "copy") {
      const { append: _append, ...rest } = source;
      model.putFile(dst, { ...rest, append: false });
    } else {
      model.files.delete(src);
      model.putFile(dst, source);
    }
  }

  private expectedError(model: StoreModel, source: ModelObject | ErrorCode, src: string, dst: string): ErrorCode | undefined {
    const missing = capabilityError(model.features, this.op);
    if (missing !== undefined) return missing;
    if (dst.endsWith("/")) return "InvalidArgument";
    if (this.op === "move" && src === dst) return "InvalidArgument";
    if (typeof source === "string") return source;
    const refuse = this.op === "copy" ? model.rules.copyAppendable === "refuse" : model.rules.moveAppendable === "refuse";
    if (source.append && refuse) return "ObjectModeInvalid";
    return model.fileSlotError(dst);
  }

  toString(): string {
    return `${this.op}(${showKey(this.srcRef)}, ${showKey(this.dstRef)})`;
  }
}

/** `createDir(path)` (idempotent): on a tree, `ObjectModeInvalid` when a file is at the path or above it. */
export class CreateDirCommand extends ModelCommand {
  constructor(
    readonly ref: KeyRef,
    readonly slash: boolean,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    const key = resolveKey(model, this.ref);
    const dir = key + "/";
    const path = callPath(store.info.workDir, this.ref, key);
    const what = `createDir(${JSON.stringify(this.slash ? path + "/" : path)})`;
    const code = capabilityError(model.features, "createDir") ?? model.dirSlotError(dir);
    const got = await attempt(what, () => store.createDir(this.slash ? path + "/" : path));
    const info = expectOutcome(what, got, code);
    if (code !== undefined) return;
    expectSame(what, { path: info.path, mode: info.mode }, { path: path + "/", mode: "dir" });
    model.addDir(dir);
  }

  toString(): string {
    return `createDir(${showKey(this.ref)}${this.slash ? ' + "/"' : ""})`;
  }
}

/** An operation the model does not otherwise cover, called only to check that a storage lacking it refuses it. */
export type GatedOp = "fetch" | "createLink" | "presignRead" | "presignWrite";

const GATED_FEATURE = { fetch: "fetch", createLink: "createLink", presignRead: "presignRead", presignWrite: "presignWrite" } as const;

/** Calls `op` where the storage lacks it: `CapabilityInsufficient`, nothing changed. Where it has it, does nothing. */
export class CapabilityCommand extends ModelCommand {
  constructor(
    readonly op: GatedOp,
    readonly key: string,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    if (model.features[GATED_FEATURE[this.op]]) return false;
    const call = (): Promise<unknown> => {
      switch (this.op) {
        case "fetch":
          return store.fetch(this.key, "http://127.0.0.1:9/never-fetched");
        case "createLink":
          return store.createLink(this.key, "link-target");
        case "presignRead":
          return store.presign("read", this.key, { expires: 60 });
        case "presignWrite":
          return store.presign("write", this.key, { expires: 60 });
      }
    };
    expectOutcome(this.toString(), await attempt(this.toString(), call), "CapabilityInsufficient");
    return true;
  }

  toString(): string {
    return `${this.op}(${JSON.stringify(this.key)}) where unsupported`;
  }
}
