// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts), never run: `Storager<CosOptions>` is tied to COS. A COS storager passes where any
// storager is expected; a memory (plain) storager, or another driver's, does not pass for a COS
// one; `isCosStorager` narrows a plain one. A line under `// @ts-expect-error` must fail to compile.
import { definePair, newServicer, newStorager, type ExtraOptionsOf, type PairSet, type Storager } from "@stowage/core";
import { isCosStorager, type CosOptions } from "@stowage/cos";

async function cosOnly(store: Storager<CosOptions>): Promise<void> {
  await store.write("a", "x", { serverSideEncryption: "AES256" });
}
async function anyStorage(store: Storager): Promise<string> {
  return store.info.service;
}

const cos = newStorager<CosOptions>("cos://examplebucket-1250000000/?credential=env&location=ap-guangzhou");
const memoryStorager = newStorager("memory://");
// An OSS-like driver: an option of the same name and type as COS's.
const ossLikePairs = {
  serverSideEncryption: definePair({ name: "server_side_encryption", type: "string", description: "OSS-like SSE.", operations: ["write", "copy"] }),
} as const satisfies PairSet;
declare const ossLike: Storager<ExtraOptionsOf<typeof ossLikePairs>>;

export async function assignability(): Promise<void> {
  await cosOnly(cos);
  await anyStorage(cos);
  const plain: Storager = cos;
  await anyStorage(plain);
  // @ts-expect-error a memory storager takes no COS option: it is no Storager<CosOptions>
  await cosOnly(memoryStorager);
  // @ts-expect-error nor is another driver's storager, whatever its options are named
  await cosOnly(ossLike);
  // @ts-expect-error newStorager's type argument is never inferred from where the result goes: a memory storager opened in place is no COS one either
  await cosOnly(newStorager("memory://"));
  // @ts-expect-error nor is a servicer's
  await cosOnly(await newServicer("memory://").get("x"));
  const servicer = newServicer<CosOptions>("cos://?credential=env&location=ap-guangzhou");
  await cosOnly(await servicer.create("examplebucket-1250000000"));
  for await (const bucket of servicer.list()) await cosOnly(bucket);
}

export async function generic(store: Storager): Promise<void> {
  // @ts-expect-error a plain Storager takes no COS option
  await store.write("a", "x", { serverSideEncryption: "AES256" });
  if (isCosStorager(store)) {
    await store.write("a", "x", { serverSideEncryption: "AES256" });
    await cosOnly(store);
    // @ts-expect-error narrowed to COS's options, which a misspelt one is not
    await store.write("a", "x", { serverSideEncrpytion: "AES256" });
  } else {
    // @ts-expect-error not narrowed on the other branch
    await cosOnly(store);
  }
  // An unchecked cast compiles (docs/pairs.md: only for loose mode, on purpose).
  await cosOnly(store as Storager<CosOptions>);
}
