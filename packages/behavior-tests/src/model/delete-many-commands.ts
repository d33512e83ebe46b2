import type { DeleteOptions, ErrorCode, Storager } from "@stowage/core";
import { callPath, resolveKey, showKey, type KeyRef } from "./arbitraries.js";
import { attempt, expectOutcome } from "./checks.js";
import { ModelCommand } from "./model-command.js";
import type { StoreModel } from "./store-model.js";

/**
 * Something that makes a whole `deleteMany` call `InvalidArgument` before anything is deleted
 * (core resolves every path first): a `..` segment, an absolute path outside the work_dir, or
 * an option deleteMany does not take (`mode: "dir"`).
 */
export type BadDeleteMany = "dotdot" | "outside" | "dirMode";

/**
 * `deleteMany(paths)`: deletes every object named (a missing one, or one named twice, is no
 * error: it is idempotent), and nothing else (directories and uploads stay). On a tree, a
 * directory among the paths is `ObjectModeInvalid`: the contract says nothing of the others in
 * the same call (fs deletes them concurrently), so such a call names directories only and then
 * changes nothing; a run that picks directories and objects together drops the directories from
 * the call (the failure message shows the paths sent). A bad path or option fails the whole call
 * with `InvalidArgument` and deletes nothing. Everything is checked after the call as after any step.
 */
export class DeleteManyCommand extends ModelCommand {
  constructor(
    readonly refs: readonly KeyRef[],
    readonly bad?: BadDeleteMany,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<void> {
    let keys = this.refs.map((ref) => ({ ref, key: resolveKey(model, ref) }));
    const isDir = (key: string): boolean => model.tree && !model.files.has(key) && model.dirExists(key + "/");
    const dirs = keys.filter((k) => isDir(k.key));
    if (dirs.length > 0 && dirs.length < keys.length) keys = keys.filter((k) => !isDir(k.key));
    const paths = keys.map((k) => callPath(store.info.workDir, k.ref, k.key));
    const options: DeleteOptions = this.bad === "dirMode" ? { mode: "dir" } : {};
    if (this.bad === "dotdot") paths.splice(paths.length >> 1, 0, "a/../b");
    if (this.bad === "outside") paths.push("/not-the-work-dir/x");
    const what = `deleteMany(${JSON.stringify(paths)}${this.bad === "dirMode" ? ', { mode: "dir" }' : ""})`;
    let code: ErrorCode | undefined;
    if (this.bad !== undefined) code = "InvalidArgument";
    else if (keys.some((k) => isDir(k.key))) code = "ObjectModeInvalid";
    expectOutcome(what, await attempt(what, () => store.deleteMany(paths, options)), code);
    if (code !== undefined) return;
    for (const { key } of keys) model.files.delete(key);
  }

  toString(): string {
    const bad = this.bad === undefined ? "" : `, with ${this.bad}`;
    return `deleteMany([${this.refs.map(showKey).join(", ")}]${bad})`;
  }
}
