// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts), never run: the types memory's exports name are exported too, and memory's (empty)
// pair table adds no call option. A line under `// @ts-expect-error` must fail to compile.
import type { ExtraOptionsOf, Storager } from "@stowage/core";
import type { EntryAttributes, MemoryEntry, MemoryUpload } from "@stowage/memory";
import type { memoryPairs } from "@stowage/memory";

export function attributesOf(entry: MemoryEntry | MemoryUpload): EntryAttributes {
  return entry;
}

declare const store: Storager<ExtraOptionsOf<typeof memoryPairs>>;

export async function callSites(): Promise<void> {
  await store.write("a", "x", { contentType: "text/plain" });
  // @ts-expect-error memory has no pairs of its own: no other name is an option
  await store.write("a", "x", { anything: 42 });
}
