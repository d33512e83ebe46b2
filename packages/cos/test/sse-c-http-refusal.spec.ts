import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import type { CosOptions } from "../src/index.js";

// Over plain http an SSE-C key (or its algorithm without a key) fails with InvalidArgument, also on
// the operations that send no key: the stat of a directory, completeMultipart (whose Complete
// carries none; core's List Parts before it carry none either).

const BUCKET = "http-ssec-1250000000";
const KEY = randomBytes(32);

describe("cos over plain http: SSE-C pairs are refused where no key would be sent", () => {
  let em: Emulator;
  let plain: Storager<CosOptions>;
  beforeAll(async () => {
    em = await startEmulator({ provider: "cos", buckets: [BUCKET] });
    plain = newStorager<CosOptions>(em.connectionString(BUCKET, `/${randomUUID()}/`));
    await plain.createDir("d/");
  });
  afterAll(async () => {
    await em.stop();
  });

  it.each([
    ["a key", { serverSideEncryptionCustomerKey: KEY }],
    ["an algorithm without a key", { serverSideEncryptionCustomerAlgorithm: "AES256" }],
  ] as const)("stat of a directory given %s: InvalidArgument, nothing sent", async (_name, pairs) => {
    em.resetStats();
    await expect(plain.stat("d/", pairs)).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(plain.stat("", pairs)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(em.stats().requests).toBe(0);
  });

  it.each([
    ["a key", { serverSideEncryptionCustomerKey: KEY }],
    ["an algorithm without a key", { serverSideEncryptionCustomerAlgorithm: "AES256" }],
  ] as const)("completeMultipart given %s: InvalidArgument, no Complete sent, the upload kept", async (_name, pairs) => {
    const name = `m-${randomUUID()}`;
    const upload = await plain.createMultipart(name);
    const part = await plain.writeMultipart(upload, Buffer.from("x"), { index: 0 });
    em.resetStats();
    await expect(plain.completeMultipart(upload, [part], pairs)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(em.stats().byOperation["CompleteMultipartUpload"]).toBeUndefined();
    await expect(plain.stat(name)).rejects.toMatchObject({ code: "ObjectNotExist" });
    await plain.completeMultipart(upload, [part]);
    expect((await plain.read(name)).toString()).toBe("x");
  });
});
