import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import type { OssCredentials } from "../src/config.js";
import "../src/index.js";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: ["seed-bucket"] });
});

afterAll(async () => {
  await emulator.stop();
});

/** A provider handing out the emulator's key pair, valid for an hour, counting its calls. */
function counting(): { provider: () => Promise<OssCredentials>; calls: () => number } {
  let calls = 0;
  const provider = async (): Promise<OssCredentials> => {
    calls++;
    return { accessKeyId: emulator.credential.accessKey, accessKeySecret: emulator.credential.secretKey, expiration: Date.now() + 3_600_000 };
  };
  return { provider, calls: () => calls };
}

describe("oss: one credential cache per servicer", () => {
  it("storagers created, listed and got from one servicer share its provider's credentials: one provider call", async () => {
    const p = counting();
    const servicer = newServicer({ type: "oss", endpoint: `http:127.0.0.1:${emulator.port}`, credentialProvider: p.provider });
    const names = ["share-a", "share-b", "share-c"];
    for (const name of names) await (await servicer.create(name)).write("created", "x");
    const listed: Storager[] = [];
    for await (const s of servicer.list()) if (names.includes(s.info.name)) listed.push(s);
    expect(listed).toHaveLength(3);
    for (const s of listed) await s.write("k", s.info.name);
    for (const name of names) expect((await servicer.get(name).read("k")).toString()).toBe(name);
    expect(p.calls()).toBe(1);
    for (const name of names) {
      await servicer.get(name).delete("k");
      await servicer.get(name).delete("created");
      await servicer.delete(name);
    }
    expect(p.calls()).toBe(1);
  });
});

describe("oss: credential_timeout", () => {
  it("bounds a provider that never answers: one provider call, PermissionDenied naming the timeout, retries unused", async () => {
    let calls = 0;
    const store = newStorager({
      type: "oss",
      name: "seed-bucket",
      endpoint: `http:127.0.0.1:${emulator.port}`,
      maxRetries: 3,
      retryBaseDelay: 1,
      credentialTimeout: 40,
      credentialProvider: () => {
        calls++;
        return new Promise<OssCredentials>(() => undefined);
      },
    });
    emulator.resetStats();
    await expect(store.stat("k")).rejects.toMatchObject({ code: "PermissionDenied", retryable: true, message: expect.stringContaining("did not answer within 40 ms") });
    expect(calls).toBe(1);
    expect(emulator.stats().requests).toBe(0);
  });

  it("is a duration pair (units in connection strings) of at least 1 ms", () => {
    const base = `oss://seed-bucket/?credential=hmac:a:b&endpoint=http:127.0.0.1:${emulator.port}`;
    expect(() => newStorager(`${base}&credential_timeout=2s`)).not.toThrow();
    expect(() => newStorager(`${base}&credential_timeout=0`)).toThrow(expect.objectContaining({ code: "ConnectionStringInvalid" }));
    const options = { type: "oss", name: "seed-bucket", credential: "hmac:a:b", endpoint: `http:127.0.0.1:${emulator.port}`, credentialTimeout: 0 };
    expect(() => newStorager(options)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
  });
});

describe("oss: a provider's expiration in seconds", () => {
  it("fails the request with PermissionDenied saying it looks like seconds", async () => {
    const store = newStorager({
      type: "oss",
      name: "seed-bucket",
      endpoint: `http:127.0.0.1:${emulator.port}`,
      credentialProvider: async () => ({ accessKeyId: emulator.credential.accessKey, accessKeySecret: emulator.credential.secretKey, expiration: Math.floor(Date.now() / 1000) + 3600 }),
    });
    await expect(store.stat("k")).rejects.toMatchObject({ code: "PermissionDenied", message: expect.stringContaining("looks like Unix seconds") });
  });
});
