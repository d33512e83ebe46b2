import type { DriverCallOptions } from "../driver/storage-driver.js";
import type { ProgressListener } from "../options.js";

/** Write options after validation. */
export interface WriteRequest {
  size?: number;
  contentMd5?: string;
  multipartId?: string;
  resumeOffset?: number;
  crc64?: string;
  onMultipartCreate?: (multipartId: string) => unknown;
  onProgress?: ProgressListener;
  multipartThreshold?: number;
  partSize?: number;
  concurrency?: number;
  partContentMd5?: boolean;
  ifNotExists?: boolean;
  signal?: AbortSignal;
  [pair: string]: unknown;
}

/** Options core consumes itself; the rest go to the driver. */
const CORE_ONLY = ["size", "contentMd5", "multipartId", "resumeOffset", "crc64", "onMultipartCreate", "onProgress", "multipartThreshold", "partSize", "concurrency", "partContentMd5"];

/** The validated options minus the ones core consumes. */
export function stripCoreOptions(options: Record<string, unknown>): DriverCallOptions {
  const rest: DriverCallOptions = {};
  for (const [k, v] of Object.entries(options)) if (!CORE_ONLY.includes(k)) rest[k] = v;
  return rest;
}

/** `options` with `signal` in place of theirs (none when `signal` is undefined). */
export function withSignal(options: DriverCallOptions, signal: AbortSignal | undefined): DriverCallOptions {
  const { signal: _signal, ...rest } = options;
  return signal === undefined ? rest : { ...rest, signal };
}
