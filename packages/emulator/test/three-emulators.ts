import { afterAll, beforeAll } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";

/** The bucket of each provider's emulator in a spec: `<prefix>-1250000000` (COS's `<name>-<appid>`), `<prefix>-oss`, `<prefix>-qs`. */
export function threeBuckets(prefix: string): { cos: string; oss: string; qs: string } {
  return { cos: `${prefix}-1250000000`, oss: `${prefix}-oss`, qs: `${prefix}-qs` };
}

/** Starts a COS, an OSS and a QingStor emulator together, each with its bucket of {@link threeBuckets}. */
async function startThreeEmulators(buckets: { cos: string; oss: string; qs: string }): Promise<{ cos: Emulator; oss: Emulator; qs: Emulator }> {
  const [cos, oss, qs] = await Promise.all([
    startEmulator({ provider: "cos", buckets: [buckets.cos] }),
    startEmulator({ provider: "oss", buckets: [buckets.oss] }),
    startEmulator({ provider: "qingstor", buckets: [buckets.qs] }),
  ]);
  return { cos, oss, qs };
}

/**
 * Starts the three emulators ({@link startThreeEmulators}) before the file's tests, hands them to
 * `use`, and stops them after the tests.
 */
export function useThreeEmulators(buckets: { cos: string; oss: string; qs: string }, use: (emulators: { cos: Emulator; oss: Emulator; qs: Emulator }) => void): void {
  let started: Emulator[] = [];
  beforeAll(async () => {
    const emulators = await startThreeEmulators(buckets);
    started = [emulators.cos, emulators.oss, emulators.qs];
    use(emulators);
  });
  afterAll(async () => {
    await Promise.all(started.map((e) => e.stop()));
  });
}
