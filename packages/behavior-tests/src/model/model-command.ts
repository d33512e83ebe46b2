import type fc from "fast-check";
import type { Body, ErrorCode, StorageFeatures, Storager } from "@stowage/core";
import { chunkedIterable, chunkedReadable } from "../fixtures.js";
import type { BodySpec } from "./arbitraries.js";
import { checkListings } from "./checks.js";
import type { Attributes, StoreModel } from "./store-model.js";

/** The system under test, as fast-check's model runner passes it to commands. */
export interface RealStore {
  store: Storager;
}

/**
 * One operation of a model run. `apply` calls the storager, asserts its answer against what the
 * model expects, and updates the model; `run` then checks the listings against the model, so
 * every step is checked. Commands hold only their arguments (fast-check replays them).
 */
export abstract class ModelCommand implements fc.AsyncCommand<StoreModel, RealStore> {
  /** Runs only when the model has what the command works on (an upload, an append handle). */
  check(_model: Readonly<StoreModel>): boolean {
    return true;
  }

  async run(model: StoreModel, real: RealStore): Promise<void> {
    const changed = await this.apply(model, real.store);
    if (changed !== false) await checkListings(model, real.store, this.toString());
  }

  /** Calls the storager and updates the model; `false` when nothing was sent (no listing check needed). */
  protected abstract apply(model: StoreModel, store: Storager): Promise<boolean | void>;

  abstract toString(): string;
}

/** Part size the model's multipart writes ask for (raised by core to the storage's minimum). */
export const MODEL_PART_SIZE = 5;

/** `CapabilityInsufficient` when the storage lacks one of `flags`. */
export function capabilityError(features: Readonly<StorageFeatures>, ...flags: (keyof StorageFeatures)[]): ErrorCode | undefined {
  return flags.every((f) => features[f] === true) ? undefined : "CapabilityInsufficient";
}

/** `PairUnsupported` when `attributes` name a content type, metadata or storage class the storage does not keep. */
export function attributesError(model: StoreModel, attributes: Attributes): ErrorCode | undefined {
  if (attributes.contentType !== undefined && !model.features.contentType) return "PairUnsupported";
  if (attributes.metadata !== undefined && !model.features.userMetadata) return "PairUnsupported";
  if (attributes.storageClass !== undefined && !model.features.storageClass) return "PairUnsupported";
  return undefined;
}

/** A copy of `attributes` (as the model keeps them: a storage class by its {@link StorageClassPick}). */
export function attributeOptions(attributes: Attributes): Attributes {
  const out: Attributes = {};
  if (attributes.contentType !== undefined) out.contentType = attributes.contentType;
  if (attributes.metadata !== undefined) out.metadata = { ...attributes.metadata };
  if (attributes.storageClass !== undefined) out.storageClass = attributes.storageClass;
  return out;
}

/** `attributes` as call options: the storage class by the storage's own name for it (an unknown name where it has none: the call must refuse the pair). */
export function callAttributes(model: StoreModel, attributes: Attributes): { contentType?: string; metadata?: Record<string, string>; storageClass?: string } {
  const { storageClass, ...rest } = attributeOptions(attributes);
  if (storageClass === undefined) return rest;
  return { ...rest, storageClass: model.rules.storageClasses?.[storageClass] ?? "STANDARD" };
}

/** `InvalidArgument` for a path ending in `/` where an object is to be created. */
export function slashError(path: string): ErrorCode | undefined {
  return path.endsWith("/") ? "InvalidArgument" : undefined;
}

/** The bytes of `spec`: its text as UTF-8, or (large) the storage's minimum part size (32 without one) plus `large` bytes. */
export function bodyBytes(spec: BodySpec, features: Readonly<StorageFeatures>): Buffer {
  if (spec.large === undefined) return Buffer.from(spec.text ?? "", "utf8");
  const base = features.limits.multipartSizeMinimum ?? 32;
  return Buffer.concat([Buffer.alloc(base, "z"), Buffer.alloc(spec.large, "q")]);
}

/** `data` in the form `spec` asks for. Every form carries exactly `data` (`data` is UTF-8 text or ASCII). */
export function bodyOf(spec: BodySpec, data: Buffer): Body {
  const chunk = Math.max(5, Math.ceil(data.length / 4));
  switch (spec.form) {
    case "buffer":
      return data;
    case "string":
      return data.toString("utf8");
    case "uint8array":
      return new Uint8Array(data);
    case "readable":
    case "writeStream":
      return chunkedReadable(data, chunk);
    case "iterable":
      return chunkedIterable(data, chunk);
  }
}

/** How a body shows in a command's name. */
export function showBody(spec: BodySpec): string {
  return spec.large === undefined ? `${spec.form}(${JSON.stringify(spec.text ?? "")})` : `${spec.form}(<min part size + ${spec.large} bytes>)`;
}

/** How attributes show in a command's name ("" when none). */
export function showAttributes(attributes: Attributes): string {
  return Object.keys(attributes).length === 0 ? "" : `, ${JSON.stringify(attributes)}`;
}
