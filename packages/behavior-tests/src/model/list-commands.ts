import type { ErrorCode, ListMode, ListOptions, ListPage, ObjectInfo, Storager } from "@stowage/core";
import { collect } from "../fixtures.js";
import { callPath, resolveKey, resolvePrefix, showKey, showPrefix, type KeyRef } from "./arbitraries.js";
import { attempt, expectOutcome, expectSame } from "./checks.js";
import { ModelCommand, capabilityError } from "./model-command.js";
import { entryLine, type StoreModel } from "./store-model.js";

/** Pages one listing may take at most before the model calls it endless. */
const MAX_PAGES = 200;

const MODE_FEATURE = { dir: "listDir", prefix: "listPrefix", part: "listMultipartUploads" } as const;

/** What a listing of `path` in `mode` must yield, as sorted lines (see {@link entryLine}). */
function expectedListing(model: StoreModel, path: string, mode: ListMode, startAfter?: string): string[] {
  if (mode === "dir") return model.dirListing(path === "" || path.endsWith("/") ? path : path + "/");
  if (mode === "prefix") return model.prefixListing(path, startAfter);
  return model.uploadListing(path);
}

/** Where a listing starts: a directory (`""` or a key, maybe with its `/`) or a raw prefix. */
export type ListTarget = { dir: KeyRef | "" } | { prefix: { ref: KeyRef | ""; cut: number } };

/** Where `where` lists in `model` now: the path relative to the work_dir, and the path the call passes. */
function resolveTarget(model: StoreModel, workDir: string, where: ListTarget): { path: string; call: string } {
  if ("prefix" in where) {
    const path = resolvePrefix(model, where.prefix);
    return { path, call: callPath(workDir, where.prefix.ref, path) };
  }
  const path = where.dir === "" ? "" : resolveKey(model, where.dir);
  return { path, call: callPath(workDir, where.dir, path) };
}

/** A listing as a command makes it now: `path` and `after` relative to the work_dir (for the model), `call` and `options` as passed. */
function listCall(
  model: StoreModel,
  store: Storager,
  where: ListTarget,
  mode: ListMode,
  startAfter: KeyRef | undefined,
): { path: string; call: string; options: ListOptions; after: string | undefined } {
  const { path, call } = resolveTarget(model, store.info.workDir, where);
  if (mode !== "prefix" || startAfter === undefined) return { path, call, options: { mode }, after: undefined };
  const after = resolveKey(model, startAfter);
  return { path, call, options: { mode, startAfter: callPath(store.info.workDir, startAfter, after) }, after };
}

function showTarget(where: ListTarget): string {
  if ("prefix" in where) return showPrefix(where.prefix);
  return where.dir === "" ? '""' : showKey(where.dir);
}

function lineOf(mode: ListMode, o: ObjectInfo): string {
  return mode === "part" ? `${o.path} ${o.multipartId}` : entryLine(o);
}

/**
 * `list(path, { mode })`: the set of entries (paths, modes, sizes) the model holds there. Dir
 * mode yields the files directly below and one level of sub-directories (`d/`, mode `dir`);
 * prefix mode every object whose key starts with the raw prefix, and no directories (with
 * `startAfter`, only those whose key sorts after it in UTF-8 byte order).
 */
export class ListCommand extends ModelCommand {
  constructor(
    readonly where: ListTarget,
    readonly mode: "dir" | "prefix",
    readonly startAfter?: KeyRef,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    const { path, call, options, after } = listCall(model, store, this.where, this.mode, this.startAfter);
    const what = `list(${JSON.stringify(call)}, ${JSON.stringify(options)})`;
    const code = capabilityError(model.features, "list", MODE_FEATURE[this.mode]);
    const items = expectOutcome(what, await attempt(what, () => collect(store.list(call, options))), code);
    if (code === undefined) expectSame(what, items.map((o) => lineOf(this.mode, o)).sort(), expectedListing(model, path, this.mode, after));
    return false;
  }

  toString(): string {
    const after = this.mode === "prefix" && this.startAfter !== undefined ? `, startAfter: ${showKey(this.startAfter)}` : "";
    return `list(${showTarget(this.where)}, { mode: "${this.mode}"${after} })`;
  }
}

/**
 * `listPage(path, { mode, limit, token })` page after page: each page holds at most `limit`
 * entries, the pages end, and together they are exactly what `list` yields (same order, no
 * duplicates), which is what the model holds.
 */
export class ListPageCommand extends ModelCommand {
  constructor(
    readonly where: ListTarget,
    readonly mode: ListMode,
    readonly limit: number,
    readonly startAfter?: KeyRef,
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    const { path, call, options, after } = listCall(model, store, this.where, this.mode, this.startAfter);
    const what = this.show(JSON.stringify(call), options.startAfter === undefined ? "" : `, startAfter: ${JSON.stringify(options.startAfter)}`);
    const code: ErrorCode | undefined = capabilityError(model.features, "list", MODE_FEATURE[this.mode]);
    const paged = expectOutcome(what, await attempt(what, () => this.pages(store, call, options, what)), code);
    if (code !== undefined) return false;
    const listed = await collect(store.list(call, options));
    const lines = paged.map((o) => lineOf(this.mode, o));
    expectSame(`${what} pages concatenated vs list`, lines, listed.map((o) => lineOf(this.mode, o)));
    expectSame(`${what} duplicates`, lines.length, new Set(lines).size);
    expectSame(what, [...lines].sort(), expectedListing(model, path, this.mode, after));
    return false;
  }

  private async pages(store: Storager, path: string, options: ListOptions, what: string): Promise<ObjectInfo[]> {
    const items: ObjectInfo[] = [];
    let token: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const page: ListPage = await store.listPage(path, { ...options, limit: this.limit, ...(token === undefined ? {} : { token }) });
      if (page.items.length > this.limit) throw new Error(`${what}: a page of ${page.items.length} entries, over the limit`);
      items.push(...page.items);
      if (page.nextToken === undefined) return items;
      if (page.nextToken === token) throw new Error(`${what}: the same token twice (${JSON.stringify(token)})`);
      token = page.nextToken;
    }
    throw new Error(`${what}: no end after ${MAX_PAGES} pages`);
  }

  private show(path: string, after: string): string {
    return `listPage(${path}, { mode: "${this.mode}", limit: ${this.limit}${after} })`;
  }

  toString(): string {
    return this.show(showTarget(this.where), this.mode === "prefix" && this.startAfter !== undefined ? `, startAfter: ${showKey(this.startAfter)}` : "");
  }
}
