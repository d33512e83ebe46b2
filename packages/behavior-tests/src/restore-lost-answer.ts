import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { startAnswerProxy, type AnswerProxy } from "./answer-proxy.js";

/** The parts of a running emulator {@link runRestoreLostAnswerSuite} uses (typed structurally). */
export interface RestoreLostAnswerEmulator {
  readonly port: number;
  connectionString(bucket: string, workDir?: string): string;
  stats(): { byOperation: Record<string, number> };
  stop(): Promise<void>;
}

/** Provider-specific values of {@link runRestoreLostAnswerSuite}. */
export interface RestoreLostAnswerOptions {
  /** The provider's name, the first word of the describe's name. */
  provider: string;
  /** The emulator's bucket. */
  bucket: string;
  /** An archive class of the provider. */
  archiveClass: string;
  /** Starts the provider's emulator with `bucket` and a restore delay (so a restore is under way for the rest of the case). */
  start(restoreDelayMs: number): Promise<RestoreLostAnswerEmulator>;
}

/**
 * A restore whose answer is lost after the service accepted it: the client sends it again (a
 * restore is safe to repeat), and the service answers the retry 409 `RestoreAlreadyInProgress`,
 * the restore this call started. The call resolves (`alreadyRestored: false`) instead of failing
 * with `Conflict`; a restore of that object by a later call is `Conflict`, as the service says.
 * @throws nothing itself.
 */
export function runRestoreLostAnswerSuite(o: RestoreLostAnswerOptions): void {
  let emulator: RestoreLostAnswerEmulator;
  let proxy: AnswerProxy;
  beforeAll(async () => {
    emulator = await o.start(3_600_000);
    proxy = await startAnswerProxy(emulator.port);
  });
  afterAll(async () => {
    await proxy.stop();
    await emulator.stop();
  });

  describe(`${o.provider}: a restore whose answer was lost`, () => {
    it("is sent again, and the 409 to that retry is the restore this call started: it resolves; a later restore is Conflict", async () => {
      const workDir = `/${randomUUID()}/`;
      const direct = newStorager(emulator.connectionString(o.bucket, workDir));
      const proxied = newStorager(emulator.connectionString(o.bucket, workDir).replace(`127.0.0.1:${emulator.port}`, `127.0.0.1:${proxy.port}`));
      await direct.write("frozen", "frozen bytes", { storageClass: o.archiveClass });
      proxy.hook = {
        match: (req) => req.method === "POST" && (req.url ?? "").includes("restore"),
        run: () => Promise.reject(new Error("the answer is lost")),
      };
      expect(await proxied.restore("frozen")).toEqual({ alreadyRestored: false });
      expect(proxy.hook).toBeUndefined();
      expect(emulator.stats().byOperation["RestoreObject"]).toBe(2);
      expect((await direct.stat("frozen")).restore).toEqual({ ongoing: true });
      await expect(proxied.restore("frozen")).rejects.toMatchObject({ code: "Conflict", statusCode: 409 });
      await direct.delete("frozen");
    });
  });
}
