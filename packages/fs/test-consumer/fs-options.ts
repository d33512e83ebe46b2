// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts), never run: the fs driver's call options as its README writes them, typed by
// `FsOptions` (and by `ExtraOptionsOf<typeof fsPairs>`, which must keep the pairs' keys).
// A line under `// @ts-expect-error` must fail to compile.
import { newStorager, type ExtraOptionsOf, type Storager } from "@stowage/core";
import { fsPairs, isFsStorager, type FsOptions } from "@stowage/fs";

const store = newStorager<FsOptions>("fs:///srv/data/");
declare const viaPairs: Storager<ExtraOptionsOf<typeof fsPairs>>;

export async function readme(): Promise<void> {
  await store.copy("a/f", "b/f", { sourceWithin: "a/", destinationWithin: "b/" });
  await store.move("a/f", "b/f", { sourceWithin: "a/", destinationWithin: "b/" });
  // @ts-expect-error a misspelt option
  await store.copy("a/f", "b/f", { sourceWithn: "a/" });
  // @ts-expect-error copy and move only
  await store.write("a/f", "x", { sourceWithin: "a/" });
  // @ts-expect-error fsync is an open-time pair, not a call option
  await store.write("a/f", "x", { fsync: false });
}

export async function pairsKeepTheirKeys(): Promise<void> {
  await viaPairs.copy("a/f", "b/f", { sourceWithin: "a/" });
  // @ts-expect-error misspelt core options are refused, not taken as an unknown pair
  await viaPairs.write("x", "y", { contentTyp: "oops", ifNotExsts: true });
  // @ts-expect-error and so is a name no pair has
  await viaPairs.write("x", "y", { anything: 42 });
}

export async function generic(any: Storager): Promise<void> {
  // @ts-expect-error a plain Storager takes no fs option
  await any.copy("a/f", "b/f", { sourceWithin: "a/" });
  if (isFsStorager(any)) await any.copy("a/f", "b/f", { sourceWithin: "a/", destinationWithin: "b/" });
}
