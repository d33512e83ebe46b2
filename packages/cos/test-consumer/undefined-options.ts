// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts), never run: what a COS user passes in (the driver's call options, the answer of a
// credential provider) takes values that may be undefined.
import type { Storager } from "@stowage/core";
import type { CosCredentialProvider, CosOptions } from "@stowage/cos";

declare const store: Storager<CosOptions>;
declare const sts: { id: string; key: string; token: string | undefined; expiredTime: number | undefined };
declare function maybe<T>(): T | undefined;

export const provider: CosCredentialProvider = async () => ({
  secretId: sts.id,
  secretKey: sts.key,
  securityToken: sts.token,
  expiration: sts.expiredTime === undefined ? undefined : sts.expiredTime * 1000,
});

export async function callSites(): Promise<void> {
  await store.write("a", "body", {
    serverSideEncryption: maybe<string>(),
    serverSideEncryptionCosKmsKeyId: maybe<string>(),
    serverSideEncryptionCustomerKey: maybe<Buffer>(),
    size: maybe<number>(),
  });
  await store.copy("a", "b", { copySourceServerSideEncryptionCustomerKey: maybe<Buffer>(), storageClass: maybe<string>() });
  await store.read("a", { serverSideEncryptionCustomerKey: maybe<Buffer>(), offset: maybe<number>() });
}
