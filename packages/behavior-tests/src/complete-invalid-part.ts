import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Part, StorageDriver, Storager } from "@stowage/core";

/** A driver on a running emulator, and the storager over it, for {@link runCompleteInvalidPartSuite}. */
export interface InvalidPartTarget {
  /** The driver, called directly: core's own check of the parts would refuse first. */
  driver: Required<Pick<StorageDriver, "completeMultipart">>;
  /** A storager over that driver, at work dir `/`. */
  store: Storager;
  /** Stops the emulator (in `afterAll`). */
  stop(): Promise<void>;
}

/** Provider-specific parts of {@link runCompleteInvalidPartSuite}. */
export interface CompleteInvalidPartOptions {
  /** What the refusal of a stale part and of a part never uploaded also say (QingStor's driver names the part). */
  messages?: { stale: RegExp; never: RegExp };
  /** More cases, registered in the same describe, on the target `beforeAll` opened. */
  more?: (target: () => InvalidPartTarget) => void;
}

/**
 * Registers `describe(name)`: a Complete that names a part unlike the uploaded one (uploaded again
 * after core checked the parts), or a part never uploaded, is `Conflict` (400, not retried), as
 * memory and fs say it (docs/errors.md), and the upload is kept: it completes with the part as
 * uploaded. `open` starts the provider's emulator and the driver (in `beforeAll`).
 * @throws nothing itself.
 */
export function runCompleteInvalidPartSuite(name: string, open: () => Promise<InvalidPartTarget>, options: CompleteInvalidPartOptions = {}): void {
  describe(name, () => {
    let target: InvalidPartTarget | undefined;
    const opened = (): InvalidPartTarget => {
      if (target === undefined) throw new Error(`${name}: no target (its beforeAll failed)`);
      return target;
    };
    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      await target?.stop();
    });

    it("a part uploaded again, or never uploaded, is Conflict (400, not retried) and the upload is kept", async () => {
      const { driver, store } = opened();
      const key = `k-${randomUUID()}`;
      const o = await store.createMultipart(key);
      const first = await store.writeMultipart(o, randomBytes(100), { index: 0 });
      const again = randomBytes(100);
      const second = await store.writeMultipart(o, again, { index: 0 });
      const stale: Part = { index: first.index, size: first.size, etag: first.etag };
      const refused = driver.completeMultipart(key, o.multipartId!, [stale], {});
      await expect(refused).rejects.toMatchObject({ code: "Conflict", statusCode: 400, retryable: false });
      if (options.messages !== undefined) await expect(refused).rejects.toThrow(options.messages.stale);
      const never: Part = { index: 1, size: 100, etag: second.etag };
      const neverRefused = driver.completeMultipart(key, o.multipartId!, [{ ...stale, etag: second.etag }, never], {});
      await expect(neverRefused).rejects.toMatchObject({ code: "Conflict", statusCode: 400 });
      if (options.messages !== undefined) await expect(neverRefused).rejects.toThrow(options.messages.never);
      const kept: Part[] = [];
      for await (const p of store.listMultipart(o)) kept.push(p);
      expect(kept.map((p) => [p.index, p.etag])).toEqual([[0, second.etag]]);
      await store.completeMultipart(o, [second]);
      expect((await store.read(key)).equals(again)).toBe(true);
    });

    options.more?.(opened);
  });
}
