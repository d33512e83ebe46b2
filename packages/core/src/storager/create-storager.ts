import type { Readable, Writable } from "node:stream";
import type { StorageDriver } from "../driver/storage-driver.js";
import type { StorageFeatures } from "../features.js";
import { linkSignals } from "../io/abort.js";
import { collectBody } from "../io/body.js";
import { paginate } from "../listing/page-lister.js";
import { checkDefaults } from "../pairs/validate-options.js";
import type { MultipartInfo, ObjectInfo, Part } from "../object/object-info.js";
import type { Body, PresignOperation } from "../options.js";
import type { AppendResult, ListPage, PresignedRequest, RestoreResult, Storager, StorageInfo, WriteResult } from "../storager.js";
import { commitAppend, createAppend, writeAppend } from "./append-ops.js";
import { checkedObject } from "./checked-object.js";
import { listPage } from "./list-objects.js";
import { completeMultipart, createMultipart, listMultipart, writeMultipart } from "./multipart-ops.js";
import { openReadStream } from "./read-stream.js";
import { OperationScope, type StoragerContext } from "./storager-context.js";
import { deleteMany, deleteObject } from "./delete-ops.js";
import { presign, relocate, statObject, createDir, createLink, fetchObject } from "./simple-ops.js";
import { restoreObject } from "./restore-ops.js";
import { UnlistedKeys } from "./unlisted-keys.js";
import { createObjectWriteStream } from "./write-stream.js";
import { writeObject } from "./write-object.js";

export type { StoragerContext } from "./storager-context.js";

type Opts = object | undefined;

/**
 * The public {@link Storager} over a driver's primitives. Every method
 * validates its options and paths, checks capabilities, and reports failures
 * as StorageErrors carrying op, service and path.
 */
class CoreStorager implements Storager {
  readonly info: StorageInfo;
  readonly features: Readonly<StorageFeatures>;
  // A real private field: neither util.inspect nor JSON.stringify shows it (it holds the credentials).
  readonly #scope: OperationScope;

  constructor(driver: StorageDriver, ctx: StoragerContext) {
    this.#scope = new OperationScope(driver, ctx);
    // `loosePair` says how the storager was opened, which the driver need not know.
    // A driver that declares it anyway does not make a strict storager loose.
    this.features = driver.features.loosePair === ctx.loose ? driver.features : Object.freeze({ ...driver.features, loosePair: ctx.loose });
    this.info = {
      service: driver.service,
      name: driver.name,
      workDir: ctx.config.workDir,
      ...(driver.location === undefined ? {} : { location: driver.location }),
    };
  }

  async stat(path: string, options?: Opts): Promise<ObjectInfo> {
    return this.#scope.run("stat", path, signalOf(options), () => statObject(this.#scope, path, options));
  }

  async read(path: string, options?: Opts): Promise<Buffer> {
    return this.#scope.run("read", path, signalOf(options), async () => {
      // Read to its end (or its error): no early destroy to cancel a request for.
      const stream = openReadStream(this.#scope, path, options, true);
      return collectBody(stream as AsyncIterable<Buffer>);
    });
  }

  createReadStream(path: string, options?: Opts): Readable {
    return openReadStream(this.#scope, path, options);
  }

  async write(path: string, body: Body, options?: Opts): Promise<WriteResult> {
    return this.#scope.run("write", path, signalOf(options), () => writeObject(this.#scope, path, body, options));
  }

  createWriteStream(path: string, options?: Opts): Writable {
    // Destroying the stream before the object is stored cancels the write, as the caller's signal does.
    return createObjectWriteStream((body, cancel) => {
      const linked = linkSignals(signalOf(options), cancel);
      return this.write(path, body, withSignalOf(options, linked.signal)).finally(linked.release);
    });
  }

  async delete(path: string, options?: Opts): Promise<void> {
    return this.#scope.run("delete", path, signalOf(options), () => deleteObject(this.#scope, path, options));
  }

  async deleteMany(paths: readonly string[], options?: Opts): Promise<void> {
    return this.#scope.run("delete", paths, signalOf(options), () => deleteMany(this.#scope, paths, options));
  }

  async *list(path: string, options?: Opts): AsyncIterable<ObjectInfo> {
    const signal = signalOf(options);
    // Keys no path addresses are left out of every page and reported once, when the listing ends.
    const unlisted = new UnlistedKeys();
    const fetchPage = (token: string | undefined): Promise<ListPage> =>
      this.#scope.run("list", path, signal, () => listPage(this.#scope, path, token === undefined ? options : { ...options, token }, unlisted));
    try {
      yield* paginate(fetchPage, signal ? { signal } : {});
    } catch (e) {
      throw this.#scope.error(e, "list", path, signal);
    } finally {
      unlisted.report(this.info.service, this.info.name, this.info.workDir, path);
    }
  }

  async listPage(path: string, options?: Opts): Promise<ListPage> {
    return this.#scope.run("list", path, signalOf(options), () => listPage(this.#scope, path, options));
  }

  async copy(src: string, dst: string, options?: Opts): Promise<void> {
    return this.#scope.run("copy", [src, dst], signalOf(options), () => relocate(this.#scope, "copy", src, dst, options));
  }

  async move(src: string, dst: string, options?: Opts): Promise<void> {
    return this.#scope.run("move", [src, dst], signalOf(options), () => relocate(this.#scope, "move", src, dst, options));
  }

  async fetch(path: string, url: string, options?: Opts): Promise<void> {
    return this.#scope.run("fetch", path, signalOf(options), () => fetchObject(this.#scope, path, url, options));
  }

  async createDir(path: string, options?: Opts): Promise<ObjectInfo> {
    return this.#scope.run("createDir", path, signalOf(options), () => createDir(this.#scope, path, options));
  }

  async createLink(path: string, target: string, options?: Opts): Promise<ObjectInfo> {
    return this.#scope.run("createLink", path, signalOf(options), () => createLink(this.#scope, path, target, options));
  }

  async presign(op: PresignOperation, path: string, options: Opts): Promise<PresignedRequest> {
    return this.#scope.run("presign", path, signalOf(options), () => presign(this.#scope, op, path, options));
  }

  async createAppend(path: string, options?: Opts): Promise<ObjectInfo> {
    return this.#scope.run("createAppend", path, signalOf(options), () => createAppend(this.#scope, path, options));
  }

  async writeAppend(obj: ObjectInfo, body: Body, options?: Opts): Promise<AppendResult> {
    return this.#scope.run("writeAppend", pathOf(obj), signalOf(options), () => writeAppend(this.#scope, obj, body, options));
  }

  async commitAppend(obj: ObjectInfo, options?: Opts): Promise<void> {
    return this.#scope.run("commitAppend", pathOf(obj), signalOf(options), () => commitAppend(this.#scope, checkedObject(obj), options));
  }

  async createMultipart(path: string, options?: Opts): Promise<MultipartInfo> {
    return this.#scope.run("createMultipart", path, signalOf(options), () => createMultipart(this.#scope, path, options));
  }

  async writeMultipart(obj: ObjectInfo, body: Body, options: Opts): Promise<Part> {
    return this.#scope.run("writeMultipart", pathOf(obj), signalOf(options), () => writeMultipart(this.#scope, obj, body, options));
  }

  async completeMultipart(obj: ObjectInfo, parts: readonly Part[], options?: Opts): Promise<WriteResult> {
    return this.#scope.run("completeMultipart", pathOf(obj), signalOf(options), () => completeMultipart(this.#scope, checkedObject(obj), parts, options));
  }

  async *listMultipart(obj: ObjectInfo, options?: Opts): AsyncIterable<Part> {
    const signal = signalOf(options);
    try {
      yield* listMultipart(this.#scope, checkedObject(obj), options);
    } catch (e) {
      throw this.#scope.error(e, "listMultipart", pathOf(obj), signal);
    }
  }

  async restore(path: string, options?: Opts): Promise<RestoreResult> {
    return this.#scope.run("restore", path, signalOf(options), () => restoreObject(this.#scope, path, options));
  }

  toString(): string {
    return `Storager ${this.info.service} {name: ${this.info.name}, workDir: ${this.info.workDir}}`;
  }

  /** What `JSON.stringify` shows: where the storage is, never how it was opened (credentials, keys). */
  toJSON(): { info: StorageInfo } {
    return { info: this.info };
  }

  /** What `console.log` and `util.inspect` show: {@link CoreStorager.toString}. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** `options` with `signal` (options that are no object are left for the write to refuse). */
function withSignalOf(options: Opts, signal: AbortSignal | undefined): Opts {
  if (options !== undefined && (typeof options !== "object" || options === null)) return options;
  return { ...options, signal };
}

function signalOf(options: Opts): AbortSignal | undefined {
  const signal = (options as { signal?: unknown } | undefined)?.signal;
  return signal instanceof AbortSignal ? signal : undefined;
}

/** The path errors about `obj` name ("" when it has none: checkedObject then refuses it). */
function pathOf(obj: ObjectInfo): string {
  return obj !== null && typeof obj === "object" && typeof obj.path === "string" ? obj.path : "";
}

/**
 * Wraps a driver's primitives into the public {@link Storager}.
 * Called by `newStorager`; drivers never call it themselves.
 * @throws StorageError `PairUnsupported` for a `default_<pair>` whose feature the storage lacks (unless loose)
 */
export function createStorager(driver: StorageDriver, ctx: StoragerContext): Storager {
  checkDefaults({ service: driver.service, pairs: ctx.pairs, features: driver.features, defaults: ctx.defaults, loose: ctx.loose });
  return new CoreStorager(driver, ctx);
}

