import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import type { QingStorOptions } from "../src/index.js";

// Over plain http an SSE-C key (or its algorithm without a key) fails with InvalidArgument, also on
// the operations that send no key: the stat of a directory, a move (a rename: only its HEADs would).

const BUCKET = "http-ssec-bucket";
const KEY = randomBytes(32);

describe("qingstor over plain http: SSE-C pairs are refused where no key would be sent", () => {
  let em: Emulator;
  let plain: Storager<QingStorOptions>;
  beforeAll(async () => {
    em = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
    plain = newStorager<QingStorOptions>(em.connectionString(BUCKET, `/${randomUUID()}/`));
    await plain.createDir("d/");
    await plain.write("a", "plain");
  });
  afterAll(async () => {
    await em.stop();
  });

  it.each([
    ["a key", { encryptionCustomerKey: KEY }],
    ["an algorithm without a key", { encryptionCustomerAlgorithm: "AES256" }],
  ] as const)("stat of a directory and a move given %s: InvalidArgument, nothing sent, nothing moved", async (_name, pairs) => {
    em.resetStats();
    await expect(plain.stat("d/", pairs)).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(plain.stat("", pairs)).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(plain.move("a", "b", pairs)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(em.stats().requests).toBe(0);
    expect((await plain.read("a")).toString()).toBe("plain");
  });

  it("a storager opened with a key refuses a move before any request", async () => {
    const keyed = newStorager<QingStorOptions>({
      type: "qingstor",
      name: BUCKET,
      workDir: `/${randomUUID()}/`,
      credential: "hmac:stowage-ak:stowage-sk",
      endpoint: `http:127.0.0.1:${em.port}`,
      location: em.region,
      encryptionCustomerKey: KEY,
    });
    em.resetStats();
    await expect(keyed.move("a", "b")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(em.stats().requests).toBe(0);
  });
});
