// Compiled by tsconfig.consumer.json (strict, exactOptionalPropertyTypes, against the built
// dist/*.d.ts), never run: what an OSS user passes in (the driver's call options, the answer of a
// credential provider) takes values that may be undefined.
import type { Storager } from "@stowage/core";
import type { OssCredentialProvider, OssOptions } from "@stowage/oss";

declare const store: Storager<OssOptions>;
declare const sts: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string | undefined; Expiration: string | undefined };
declare function maybe<T>(): T | undefined;

export const provider: OssCredentialProvider = async () => ({
  accessKeyId: sts.AccessKeyId,
  accessKeySecret: sts.AccessKeySecret,
  securityToken: sts.SecurityToken,
  expiration: sts.Expiration,
});

export async function callSites(): Promise<void> {
  await store.write("a", "body", { serverSideEncryption: maybe<string>(), size: maybe<number>() });
  await store.copy("a", "b", { serverSideEncryption: maybe<string>(), contentType: maybe<string>() });
}
