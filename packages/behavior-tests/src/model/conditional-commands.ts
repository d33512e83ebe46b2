import { isStorageError, type ErrorCode, type ObjectInfo, type ReadOptions, type Storager } from "@stowage/core";
import { streamToBuffer } from "../fixtures.js";
import { callPath, resolveKey, showKey, type KeyRef } from "./arbitraries.js";
import { attempt, bareEtag, checkStat, expectBytes, expectOutcome, expectSame, type Outcome } from "./checks.js";
import { ModelCommand } from "./model-command.js";
import type { ReadRange } from "./object-commands.js";
import type { StoreModel } from "./store-model.js";

/**
 * Which ETag a condition names: the object's current one (as a stat answers it just before),
 * one answered earlier (`stale`: by any write or stat of the run, maybe the current one again),
 * one no object has, `*` (any object), or a list holding a wrong one and the current one.
 */
export type EtagPick = "current" | "stale" | "garbage" | "star" | "list";

/** How the ETag is written: as answered, without quotes, upper-cased, or weak (`W/"…"`): none of it matters. */
export type EtagSpelling = "asIs" | "bare" | "upper" | "weak";

const GARBAGE = '"0123456789abcdef-not-an-etag"';

function spell(etag: string, spelling: EtagSpelling): string {
  const bare = etag.replace(/"/g, "");
  switch (spelling) {
    case "asIs":
      return etag;
    case "bare":
      return bare;
    case "upper":
      return `"${bare.toUpperCase()}"`;
    case "weak":
      return `W/"${bare}"`;
  }
}

/** Whether condition value `value` names `etag` (the contract's rule: a list, quotes, `W/` and case aside; `*` any object). */
function names(value: string, etag: string): boolean {
  const list = value.split(",").map((v) => bareEtag(v.trim().replace(/^W\//i, "")));
  return list.includes("*") || list.includes(bareEtag(etag));
}

/**
 * `stat` or `read` (whole, ranged, or streamed) with `ifMatch` or `ifNoneMatch`. On an object the
 * storage's current ETag comes from a plain stat first (checked as any stat, and against the ETag
 * its write answered); then a condition that holds gives the operation's normal answer, one that
 * does not `Conflict` with `statusCode` 412 (`ifMatch`) or 304 (`ifNoneMatch`: not modified).
 * On a directory or nothing, the answer is the unconditioned one (docs/services/*.md: "a
 * directory's stat ignores them"; a missing object is `ObjectNotExist`). Nothing changes.
 */
export class ConditionalCommand extends ModelCommand {
  constructor(
    readonly op: "stat" | "read" | "stream",
    readonly ref: KeyRef,
    readonly condition: "ifMatch" | "ifNoneMatch",
    readonly pick: EtagPick,
    readonly spelling: EtagSpelling,
    readonly stale: number,
    readonly range?: ReadRange,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    const key = resolveKey(model, this.ref);
    const path = callPath(store.info.workDir, this.ref, key);
    const obj = model.files.get(key);
    let current: string | undefined;
    if (obj !== undefined) {
      const what = `stat(${JSON.stringify(path)}) before a condition`;
      const info = expectOutcome(what, await attempt(what, () => store.stat(path)), undefined);
      checkStat(model, what, info, path, obj);
      current = info.etag;
      model.sawEtag(current);
      if (current === undefined) return false; // a storage without ETags has nothing to condition on
    }
    const stale = model.etags.length === 0 ? undefined : model.etags[this.stale % model.etags.length];
    const chosen = this.pick === "current" ? current : this.pick === "stale" ? stale : undefined;
    let value: string;
    if (this.pick === "star") value = "*";
    else if (this.pick === "list") value = `${GARBAGE}, ${spell(current ?? GARBAGE, this.spelling)}`;
    else value = spell(chosen ?? GARBAGE, this.spelling);
    const options: ReadOptions = { [this.condition]: value };
    if (this.op !== "stat" && this.range !== undefined && model.features.readRange) {
      options.offset = this.range.offset;
      if (this.range.size !== undefined) options.size = this.range.size;
    }
    const what = `${this.op === "stream" ? "createReadStream" : this.op}(${JSON.stringify(path)}, ${JSON.stringify(options)})`;
    let code: ErrorCode | undefined;
    let status: number | undefined;
    if (!model.features.conditionalRead) code = "PairUnsupported";
    else if (obj === undefined) code = this.missingCode(model, key);
    else {
      const holds = names(value, current!) === (this.condition === "ifMatch");
      if (!holds) [code, status] = ["Conflict", this.condition === "ifMatch" ? 412 : 304];
    }
    const got: Outcome<ObjectInfo | Buffer> = await attempt<ObjectInfo | Buffer>(what, () =>
      this.op === "stat" ? store.stat(path, options) : this.op === "stream" ? streamToBuffer(store.createReadStream(path, options)) : store.read(path, options),
    );
    const answer = expectOutcome(what, got, code);
    if (status !== undefined && !got.ok && isStorageError(got.error)) expectSame(`${what} statusCode`, got.error.statusCode, status);
    if (code !== undefined) return false;
    if (obj === undefined) {
      expectSame(what, { path: (answer as ObjectInfo).path, mode: (answer as ObjectInfo).mode }, { path: path + "/", mode: "dir" });
    } else if (this.op === "stat") {
      checkStat(model, what, answer as ObjectInfo, path, obj);
    } else {
      const offset = options.offset ?? 0;
      const end = options.size === undefined ? obj.data.length : Math.min(obj.data.length, offset + options.size);
      expectBytes(what, answer as Buffer, obj.data.subarray(Math.min(offset, obj.data.length), Math.max(offset, end)));
    }
    return false;
  }

  /** What the unconditioned operation answers where the model holds no object: a directory's stat (undefined), else an error. */
  private missingCode(model: StoreModel, key: string): ErrorCode | undefined {
    const isDir = model.tree && model.dirExists(key + "/");
    if (this.op === "stat") return isDir ? undefined : "ObjectNotExist";
    return isDir ? "ObjectModeInvalid" : "ObjectNotExist";
  }

  toString(): string {
    const range = this.op !== "stat" && this.range !== undefined ? `, ${JSON.stringify(this.range)}` : "";
    const stale = this.pick === "stale" ? `#${this.stale}` : "";
    return `${this.op === "stream" ? "createReadStream" : this.op}(${showKey(this.ref)}, ${this.condition}: ${this.pick}${stale} ${this.spelling}${range})`;
  }
}
