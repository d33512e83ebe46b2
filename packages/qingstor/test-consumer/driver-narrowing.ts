// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts), never run: `isQingStorStorager` narrows a plain Storager to `Storager<QingStorOptions>`, and only
// that takes the QingStor options. A line under `// @ts-expect-error` must fail to compile.
import { newStorager, type Storager } from "@stowage/core";
import { isQingStorStorager, type QingStorOptions } from "@stowage/qingstor";

declare const key: Buffer;
declare function qingstorOnly(store: Storager<QingStorOptions>): Promise<void>;

export async function generic(store: Storager): Promise<void> {
  // @ts-expect-error a plain Storager takes no QingStor option
  await store.write("a", "x", { encryptionCustomerKey: key });
  if (isQingStorStorager(store)) {
    await store.write("a", "x", { encryptionCustomerKey: key });
    await qingstorOnly(store);
  }
  // (Opened right in the call, newStorager would infer <QingStorOptions> from it: what is opened is not checked.)
  const memory = newStorager("memory://");
  // @ts-expect-error a memory (plain) storager is no Storager<QingStorOptions>
  await qingstorOnly(memory);
  await qingstorOnly(newStorager<QingStorOptions>("qingstor://bucket/"));
}
