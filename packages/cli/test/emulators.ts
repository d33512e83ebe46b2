/**
 * Protocol emulators of a spec: one started before the tests of the file (or of the `describe`
 * block it is set up in) and stopped after them, with its provider's driver registered in this
 * process; and connection strings that name a key in one of its buckets.
 */
import { afterAll, beforeAll } from "@jest/globals";
import { startEmulator, type Emulator, type EmulatorOptions, type Provider } from "@stowage/emulator";

/** Registers the driver of `provider` in this process, for `newStorager` and in-process runs. */
export async function registerDriver(provider: Provider): Promise<void> {
  if (provider === "cos") await import("@stowage/cos");
  else if (provider === "oss") await import("@stowage/oss");
  else await import("@stowage/qingstor");
}

/** What {@link useEmulator} sets up; read it in hooks and tests, not while the file loads. */
export interface EmulatorHandle {
  /** The running emulator. */
  readonly emulator: Emulator;
}

/**
 * Registers a `beforeAll` that registers the driver and starts the emulator with `options`, and an
 * `afterAll` that stops it, in the file or `describe` block this is called in (before that block's
 * own hooks that use the emulator).
 */
export function useEmulator(options: EmulatorOptions): EmulatorHandle {
  let started: Emulator | undefined;
  beforeAll(async () => {
    await registerDriver(options.provider);
    started = await startEmulator(options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  return {
    get emulator() {
      if (started === undefined) throw new Error("useEmulator: the emulator starts in beforeAll; read it in a hook or a test");
      return started;
    },
  };
}

/**
 * `path` (a key, or a directory ending in `/`, put in as written) in `bucket` of `emulator`, as a
 * connection string: the bucket's connection string with `path` after the bucket's `/`.
 */
export function keyLocation(emulator: Pick<Emulator, "connectionString">, bucket: string, path: string): string {
  const root = emulator.connectionString(bucket, "/");
  const at = root.indexOf("/?");
  return `${root.slice(0, at + 1)}${path}${root.slice(at + 1)}`;
}
