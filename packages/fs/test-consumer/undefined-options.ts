// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts), never run: the fs driver's own call options take values that may be undefined.
import type { Storager } from "@stowage/core";
import type { WithinOptions } from "@stowage/fs";

declare const store: Storager<{ copy: WithinOptions; move: WithinOptions }>;
declare function maybe<T>(): T | undefined;

export async function callSites(): Promise<void> {
  await store.copy("a/x", "b/x", { sourceWithin: maybe<string>(), destinationWithin: maybe<string>() });
  await store.move("a/x", "b/x", { sourceWithin: maybe<string>(), destinationWithin: maybe<string>() });
}
