import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import type { Storager } from "@stowage/core";
import { registerBrokenFaultCases } from "./cases/faults-broken.js";
import { registerRecoverFaultCases } from "./cases/faults-recover.js";
import { FaultContext, type FaultSuiteOptions, type FaultTarget } from "./fault-context.js";

export type { FaultEmulator, FaultSuiteOptions, FaultTarget } from "./fault-context.js";

/**
 * Registers the fault-injection suite shared by the cloud drivers as jest
 * `describe` blocks named `<name> faults: ...`: retriable faults (5xx, throttling,
 * resets, delays, clock skew) must recover with the data intact; broken transfers
 * (corrupted or truncated bodies, wrong checksums, persistent failures) must end in
 * typed StorageErrors and leave no bad object or multipart upload behind.
 *
 * `setup` runs once in `beforeAll`: it starts the provider's emulator and returns
 * it with a storager opened on a fresh work_dir with `max_retries=3` and short
 * retry delays (see {@link FaultTarget}); the emulator is stopped in `afterAll`
 * and its fault rules are cleared after every case. Checksum-specific cases are
 * gated by `options.checksum`, which the first case checks against the storager's
 * declared features. Vendor-specific faults (e.g. COS's 200-with-`<Error>`) stay
 * in the driver's own spec.
 *
 * @throws nothing itself; the registered cases fail on StorageError codes other than the expected ones.
 */
export function runFaultSuite(name: string, setup: () => Promise<FaultTarget>, options: FaultSuiteOptions): void {
  const ctx = new FaultContext(options);
  let target: FaultTarget | undefined;

  beforeAll(async () => {
    target = await setup();
    ctx.target = target;
  });

  afterAll(async () => {
    await target?.emulator.stop();
  });

  afterEach(() => {
    target?.emulator.setFaults([]);
  });

  describe(`${name} faults: gating`, () => {
    it("the storager declares the features the suite is gated by", () => {
      const s: Storager = ctx.store;
      expect(s.features.crc64).toBe(options.checksum === "crc64");
      expect(s.features.multipart && s.features.listMultipartUploads && s.features.append && s.features.copy).toBe(true);
      expect(s.features.batchDelete && s.features.listPrefix).toBe(true);
    });
  });
  describe(`${name} faults: retriable ones recover with the data intact`, () => registerRecoverFaultCases(ctx));
  describe(`${name} faults: broken transfers end in typed errors and leave no bad object`, () => registerBrokenFaultCases(ctx));
}
