import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { newStorager, UPLOAD_LEFT_WARNING, type Storager } from "@stowage/core";
import type { FaultEmulator } from "./fault-context.js";

/** The parts of a running emulator {@link runInitiateLostAnswerSuite} uses (`@stowage/emulator`'s `Emulator`, typed structurally). */
export type InitiateLostAnswerEmulator = Pick<FaultEmulator, "setFaults" | "faults" | "connectionString" | "stop">;

/** Provider-specific values of {@link runInitiateLostAnswerSuite}. */
export interface InitiateLostAnswerOptions {
  /** The provider's name, the first word of the describe's name ("cos"). */
  provider: string;
  /** How the driver's messages name the service ("COS", "OSS", "QingStor"): the warning starts with it. */
  service: string;
  /** The bucket the emulator was started with. */
  bucket: string;
  /** The storager's `multipart_threshold` and `part_size`: a size the provider completes parts of (the writes are 2 parts and 10 bytes). */
  partSize: number;
}

type Warning = [string, { code?: string; type?: string }];

/**
 * Registers `<provider>: an Initiate whose answer was lost`: an InitiateMultipartUpload the service
 * performed but whose answer was lost (the emulator resets the connection instead of answering) is
 * retried, and the write goes on with the retry's upload (review-soak M1). The first attempt's
 * upload, empty and named by no answer, stays: Stowage cannot tell it from another writer's upload
 * of the same key, so it aborts neither, and says so with one `STOWAGE_UPLOAD_LEFT` process warning
 * naming the key (createMultipart too). An attempt that did nothing (throttled) warns nothing, nor
 * does an Initiate answered at once.
 *
 * `setup` runs once in `beforeAll` and starts the provider's emulator with `o.bucket` (stopped in
 * `afterAll`); the driver must be registered (its package imported) by the calling spec.
 * @throws nothing itself; the registered cases fail on any StorageError.
 */
export function runInitiateLostAnswerSuite(setup: () => Promise<InitiateLostAnswerEmulator>, o: InitiateLostAnswerOptions): void {
  const PART = o.partSize;
  const WORK_DIR = `/${randomUUID()}/`;
  let emulator: InitiateLostAnswerEmulator;
  let store: Storager;

  let warn: ReturnType<typeof jest.spyOn>;
  /** The STOWAGE_UPLOAD_LEFT warnings emitted so far (others, if any, are not this test's). */
  const uploadLeftWarnings = (): Warning[] => (warn.mock.calls as unknown as Warning[]).filter(([, w]) => w?.code === UPLOAD_LEFT_WARNING);

  beforeAll(async () => {
    emulator = await setup();
    store = newStorager(`${emulator.connectionString(o.bucket, WORK_DIR)}&multipart_threshold=${PART}&part_size=${PART}&retry_base_delay=1ms&retry_max_delay=2ms`);
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(() => {
    warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
    emulator.setFaults([]);
  });

  /** The uploads in progress at `path` (their ids). */
  async function uploadsAt(path: string): Promise<string[]> {
    const page = await store.listPage(path, { mode: "part", limit: 100 });
    return page.items.filter((u) => u.path === path).map((u) => u.multipartId!);
  }

  /** `o.service`, escaped for a RegExp. */
  const service = o.service.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  /** The warning's first sentence, for the key `lost`. */
  const firstSentence = new RegExp(
    `^${service} InitiateMultipartUpload of key "[^"]*\\/lost" was sent again after an attempt whose answer was lost or failed, which the service may have acted on: an empty upload of that key that no answer named may be left there besides upload "[^"]+", the one the call went on with\\.`,
  );

  describe(`${o.provider}: an Initiate whose answer was lost`, () => {
    it("the write succeeds, warns once naming the key, and the first attempt's empty upload is left (not aborted)", async () => {
      emulator.setFaults([{ kind: "reset", operation: "InitiateMultipartUpload", count: 1 }]);
      const data = randomBytes(2 * PART + 10);
      expect(await store.write("lost", data)).toMatchObject({ size: data.length, parts: 3 });
      expect(emulator.faults()[0]!.fired).toBe(1);
      expect((await store.read("lost")).equals(data)).toBe(true);
      const left = await uploadsAt("lost");
      expect(left).toHaveLength(1);
      const parts: unknown[] = [];
      for await (const part of store.listMultipart({ path: "lost", mode: "part", multipartId: left[0]! })) parts.push(part);
      expect(parts).toEqual([]);
      const warnings = uploadLeftWarnings();
      expect(warnings).toHaveLength(1);
      const [message, options] = warnings[0]!;
      expect(options).toEqual({ code: "STOWAGE_UPLOAD_LEFT", type: "StowageWarning" });
      expect(message).toMatch(firstSentence);
      expect(message).toContain("`stowage uploads --abort`");
      expect(message).toContain("lifecycle rule");
      expect(message).not.toContain(left[0]!);
      await store.delete("lost", { multipartId: left[0]! });
    });

    it("another writer's upload of the same key survives the write", async () => {
      const other = await store.createMultipart("shared");
      emulator.setFaults([{ kind: "reset", operation: "InitiateMultipartUpload", count: 1 }]);
      await store.write("shared", randomBytes(2 * PART + 10));
      const left = await uploadsAt("shared");
      expect(left).toHaveLength(2);
      expect(left).toContain(other.multipartId);
      expect(uploadLeftWarnings()).toHaveLength(1);
      for (const id of left) await store.delete("shared", { multipartId: id });
    });

    it("createMultipart retried after a lost answer warns too, and gives the retry's upload", async () => {
      emulator.setFaults([{ kind: "reset", operation: "InitiateMultipartUpload", count: 1 }]);
      const upload = await store.createMultipart("created");
      const left = await uploadsAt("created");
      expect(left).toHaveLength(2);
      expect(left).toContain(upload.multipartId);
      expect(uploadLeftWarnings()).toHaveLength(1);
      expect(uploadLeftWarnings()[0]![0]).toContain(`besides upload "${upload.multipartId}"`);
      for (const id of left) await store.delete("created", { multipartId: id });
    });

    it("a first attempt refused as throttled did nothing: no warning, no upload left", async () => {
      emulator.setFaults([{ kind: "throttle", operation: "InitiateMultipartUpload", count: 1 }]);
      await store.write("throttled", randomBytes(2 * PART + 10));
      expect(emulator.faults()[0]!.fired).toBe(1);
      expect(await uploadsAt("throttled")).toEqual([]);
      expect(uploadLeftWarnings()).toEqual([]);
    });

    it("an Initiate answered at once: no warning", async () => {
      await store.write("plain", randomBytes(2 * PART + 10));
      expect(await uploadsAt("plain")).toEqual([]);
      expect(uploadLeftWarnings()).toEqual([]);
    });
  });
}
