import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, newStorager, type Storager } from "@stowage/core";
import type { ServiceEmulator } from "./service-emulator.js";

/** Provider-specific values of {@link runServicerCredentialSuite}; `C` is the driver's credentials type. */
export interface ServicerCredentialOptions<C> {
  /** The connection-string type ("cos"), also the first word of describe names. */
  provider: string;
  /** A bucket the emulator holds (started so by `setup`). */
  seed: string;
  /** The service's spelling of a bucket named `stem` (COS appends the APPID); default: `stem` itself. */
  bucket?: (stem: string) => string;
  /** The driver's credentials of a key pair, valid until `expiration` (as the provider returns it). */
  credentials(accessKey: string, secretKey: string, expiration: number): C;
}

/**
 * Registers, as jest `describe` blocks named `<provider>: ...`, the cases of a servicer's
 * credential provider: storagers created, listed and got from one servicer share one credential
 * cache (one provider call); `credential_timeout` bounds a provider that never answers
 * (PermissionDenied naming the timeout, no request sent, no retry) and is a duration pair of at
 * least 1 ms; an expiration in Unix seconds fails the request with PermissionDenied saying so.
 *
 * `setup` runs once in `beforeAll` and starts the provider's emulator holding `seed` (stopped in
 * `afterAll`).
 *
 * @throws nothing itself; the registered cases fail on StorageError codes other than the expected
 *   ones (PermissionDenied, ConnectionStringInvalid, InvalidArgument).
 */
export function runServicerCredentialSuite<C>(setup: () => Promise<ServiceEmulator>, o: ServicerCredentialOptions<C>): void {
  const { provider, seed } = o;
  const bucket = o.bucket ?? ((stem: string) => stem);
  let started: ServiceEmulator | undefined;

  beforeAll(async () => {
    started = await setup();
  });

  afterAll(async () => {
    await started?.stop();
  });

  const running = (): ServiceEmulator => {
    if (started === undefined) throw new Error("the servicer credential suite's setup did not run");
    return started;
  };

  describe(`${provider}: one credential cache per servicer`, () => {
    it("storagers created, listed and got from one servicer share its provider's credentials: one provider call", async () => {
      const emulator = running();
      let calls = 0;
      // The emulator's key pair, valid for an hour.
      const credentialProvider = async (): Promise<C> => {
        calls++;
        return o.credentials(emulator.credential.accessKey, emulator.credential.secretKey, Date.now() + 3_600_000);
      };
      const servicer = newServicer({ type: provider, endpoint: `http:127.0.0.1:${emulator.port}`, credentialProvider });
      const names = ["share-a", "share-b", "share-c"].map(bucket);
      for (const name of names) await (await servicer.create(name)).write("created", "x");
      const listed: Storager[] = [];
      for await (const s of servicer.list()) if (names.includes(s.info.name)) listed.push(s);
      expect(listed).toHaveLength(3);
      for (const s of listed) await s.write("k", s.info.name);
      for (const name of names) expect((await servicer.get(name).read("k")).toString()).toBe(name);
      expect(calls).toBe(1);
      for (const name of names) {
        await servicer.get(name).delete("k");
        await servicer.get(name).delete("created");
        await servicer.delete(name);
      }
      expect(calls).toBe(1);
    });
  });

  describe(`${provider}: credential_timeout`, () => {
    it("bounds a provider that never answers: one provider call, PermissionDenied naming the timeout, retries unused", async () => {
      const emulator = running();
      let calls = 0;
      const store = newStorager({
        type: provider,
        name: seed,
        endpoint: `http:127.0.0.1:${emulator.port}`,
        maxRetries: 3,
        retryBaseDelay: 1,
        credentialTimeout: 40,
        credentialProvider: () => {
          calls++;
          return new Promise<C>(() => undefined);
        },
      });
      emulator.resetStats();
      await expect(store.stat("k")).rejects.toMatchObject({ code: "PermissionDenied", retryable: true, message: expect.stringContaining("did not answer within 40 ms") });
      expect(calls).toBe(1);
      expect(emulator.stats().requests).toBe(0);
    });

    it("is a duration pair (units in connection strings) of at least 1 ms", () => {
      const { port } = running();
      const base = `${provider}://${seed}/?credential=hmac:a:b&endpoint=http:127.0.0.1:${port}`;
      expect(() => newStorager(`${base}&credential_timeout=2s`)).not.toThrow();
      expect(() => newStorager(`${base}&credential_timeout=0`)).toThrow(expect.objectContaining({ code: "ConnectionStringInvalid" }));
      const options = { type: provider, name: seed, credential: "hmac:a:b", endpoint: `http:127.0.0.1:${port}`, credentialTimeout: 0 };
      expect(() => newStorager(options)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    });
  });

  describe(`${provider}: a provider's expiration in seconds`, () => {
    it("fails the request with PermissionDenied saying it looks like seconds", async () => {
      const emulator = running();
      const store = newStorager({
        type: provider,
        name: seed,
        endpoint: `http:127.0.0.1:${emulator.port}`,
        credentialProvider: async () => o.credentials(emulator.credential.accessKey, emulator.credential.secretKey, Math.floor(Date.now() / 1000) + 3600),
      });
      await expect(store.stat("k")).rejects.toMatchObject({ code: "PermissionDenied", message: expect.stringContaining("looks like Unix seconds") });
    });
  });
}
