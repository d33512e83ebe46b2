/**
 * A spec's OSS emulator and a client of one of its buckets, started before the tests of the file
 * (or of the `describe` block it is called in) and stopped after them.
 */
import { afterAll, beforeAll } from "@jest/globals";
import { parseEndpoint } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";

/** What {@link useEmulatorClient} sets up; read its fields in hooks and tests, not while the file loads. */
export interface EmulatorClient {
  /** The emulator, on plain http, accepting the one credential `ak`/`sk`. */
  readonly emulator: Emulator;
  /** A client of the bucket over the emulator, signing with `ak`/`sk` (the client's default signature and settings). */
  readonly client: OssClient;
}

/**
 * Registers a `beforeAll` that starts an OSS emulator holding `bucket` and makes a client of that
 * bucket over it, and an `afterAll` that stops the emulator, in the file or `describe` block this is
 * called in. Hooks run in the order they are registered: call it before the block's own hooks that
 * use the emulator.
 *
 * @throws Error when a field is read before the `beforeAll` ran or after the `afterAll`; the
 *   `beforeAll` fails the block's tests with `startEmulator`'s StorageError (`InvalidArgument` for
 *   a `bucket` it refuses, `Unexpected` wrapping a listen error).
 */
export function useEmulatorClient(bucket: string): EmulatorClient {
  let started: { emulator: Emulator; client: OssClient } | undefined;
  beforeAll(async () => {
    const emulator = await startEmulator({ provider: "oss", buckets: [bucket], credentials: [{ accessKey: "ak", secretKey: "sk" }] });
    const credentials = staticCredentials({ protocol: "hmac", accessKey: "ak", secretKey: "sk" }, undefined);
    started = { emulator, client: new OssClient(bucketAddress(bucket, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), bucket, credentials) };
  });
  afterAll(async () => {
    await started?.emulator.stop();
    started = undefined;
  });
  const get = (): { emulator: Emulator; client: OssClient } => {
    if (started === undefined) throw new Error("useEmulatorClient: the emulator starts in beforeAll; read it in a hook or a test");
    return started;
  };
  return {
    get emulator() {
      return get().emulator;
    },
    get client() {
      return get().client;
    },
  };
}
