import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import "@stowage/cos";
import { newStorager, parseConnectionString } from "@stowage/core";
import "@stowage/oss";
import "@stowage/qingstor";
import { startEmulator, type Emulator } from "../src/index.js";

const PROVIDERS = [
  { provider: "cos", bucket: "tls-1250000000" },
  { provider: "oss", bucket: "tls-bucket" },
  { provider: "qingstor", bucket: "tls-bucket" },
] as const;

const emulators = new Map<string, Emulator>();
let plain: Emulator;
beforeAll(async () => {
  for (const p of PROVIDERS) emulators.set(p.provider, await startEmulator({ provider: p.provider, buckets: [p.bucket], tls: true }));
  plain = await startEmulator({ provider: "oss", buckets: ["plain-bucket"] });
});
afterAll(async () => {
  for (const e of emulators.values()) await e.stop();
  await plain.stop();
});

describe("connectionString() of a TLS emulator trusts its generated CA", () => {
  it.each(PROVIDERS)("$provider: a storager opened from it as it is writes and reads over https", async ({ provider, bucket }) => {
    const emu = emulators.get(provider)!;
    expect(emu.endpoint).toMatch(/^https:/);
    const store = newStorager(emu.connectionString(bucket, "/tls dir/"));
    await store.write("greeting.txt", "over https");
    expect((await store.read("greeting.txt")).toString()).toBe("over https");
    expect((await store.stat("greeting.txt")).size).toBe(10);
    await store.delete("greeting.txt");
  });

  it("the tls_ca pair holds the CA's PEM exactly", () => {
    const emu = emulators.get("oss")!;
    const pairs = parseConnectionString(emu.connectionString("tls-bucket")).pairs;
    expect(pairs.filter((p) => p.key === "tls_ca")).toEqual([{ key: "tls_ca", value: emu.ca }]);
  });

  it("a plain-http emulator's string has no tls_ca", () => {
    expect(plain.ca).toBeUndefined();
    expect(parseConnectionString(plain.connectionString("plain-bucket")).pairs.map((p) => p.key)).not.toContain("tls_ca");
  });
});
