import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "@jest/globals";
import { crc64Decimal, type ObjectInfo, type Storager } from "@stowage/core";
import { useProxiedEmulator, type OpenProxiedStore, type ProxiedEmulator, type ProxiedServiceEmulator, type ProxiedStores } from "./proxied-emulator.js";

/** Provider-specific values of {@link runAppendLostAnswerSuite}. */
export interface AppendLostAnswerOptions<E extends ProxiedServiceEmulator> {
  /** The provider's name, the first word of the describe's name ("oss"). */
  provider: string;
  /** The bucket the emulator was started with. */
  bucket: string;
  /** Builds the driver under test (see {@link OpenProxiedStore}). */
  open: OpenProxiedStore;
  /** Registers the driver's own cases at the end of the describe. */
  more?: (ctx: ProxiedEmulator<E> & { pair(): ProxiedStores }) => void;
}

const isAppend = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]append\b/.test(req.url ?? "");
const text = async (s: Storager, path: string): Promise<string> => (await s.read(path)).toString();

/** `p` settled: its value, or the error it rejected with. */
async function settle<T>(p: Promise<T>): Promise<{ value: T } | { error: { code?: string; retryable?: boolean; message: string } }> {
  try {
    return { value: await p };
  } catch (e) {
    return { error: e as { code?: string; retryable?: boolean; message: string } };
  }
}

/**
 * Registers, as a jest `describe` named `<provider> append: ...`, the cases of an append the
 * service applied but whose answer the client never heard (an {@link AnswerProxy} in front of the
 * provider's emulator holds the answer while the case changes things, then loses it or lets an
 * abort win): the append is never sent twice, is reported done only when the object shows it, and
 * a failure after which a retry would fail (the object moved on) is not retryable. An abort says
 * the bytes may have been appended and how to tell.
 *
 * `setup` runs once in `beforeAll` and starts the emulator with `o.bucket` (stopped in `afterAll`).
 * @throws nothing itself.
 */
export function runAppendLostAnswerSuite<E extends ProxiedServiceEmulator>(setup: () => Promise<E>, o: AppendLostAnswerOptions<E>): void {
  const env = useProxiedEmulator(setup, { bucket: o.bucket });
  const pair = (): ProxiedStores => env.stores(o.open, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 }, tuning: {} });
  /** Holds the next append's answer while `run` runs, then loses it. */
  const loseNextAnswer = (run: () => Promise<unknown> = async () => undefined): void => {
    env.proxy.hook = {
      match: isAppend,
      run: async () => {
        await run();
        throw new Error("lose the answer");
      },
    };
  };
  const appendPosts = (): number => env.proxy.seen.filter((s) => s.startsWith("POST") && /[?&]append\b/.test(s)).length;

  describe(`${o.provider} append: an applied append whose answer is lost or aborted`, () => {
    it("aborted while its answer is held: Aborted, not retryable, saying the bytes may be appended; a stat tells", async () => {
      const { store, direct } = pair();
      const obj = await store.createAppend("log");
      await store.writeAppend(obj, "hello ");
      const ac = new AbortController();
      env.proxy.hook = { match: isAppend, run: async () => ac.abort() };
      await expect(store.writeAppend(obj, "world", { signal: ac.signal })).rejects.toMatchObject({
        code: "Aborted",
        retryable: false,
        message: expect.stringMatching(/the append may have been applied.*stat the object to tell \(11 bytes long: applied; 6: not\)/),
      });
      expect(obj.appendOffset).toBe(6);
      expect((await direct.stat("log")).size).toBe(11);
      expect(await text(direct, "log")).toBe("hello world");
    });

    it("applied, then another appender appended: not retryable (a retry would be refused), the chunk stored once", async () => {
      const { store, direct } = pair();
      const obj = await store.createAppend("log");
      await store.writeAppend(obj, "hello ");
      loseNextAnswer(async () => direct.writeAppend(await direct.stat("log"), "ZZ"));
      await expect(store.writeAppend(obj, "world")).rejects.toMatchObject({ code: "ServiceInternal", retryable: false, message: expect.stringContaining("do not retry it blindly") });
      expect(obj.appendOffset).toBe(6);
      expect(await text(direct, "log")).toBe("hello worldZZ");
    });

    it("applied, through an append object without crc64 (as a listing gives): done, sent once", async () => {
      const { store, direct } = pair();
      await store.writeAppend(await store.createAppend("log"), "hello ");
      const listed: ObjectInfo = { ...(await store.stat("log")) };
      delete listed.crc64;
      expect(listed).toMatchObject({ mode: "append", appendOffset: 6 });
      const posts = appendPosts();
      loseNextAnswer();
      const r = await store.writeAppend(listed, "world");
      expect(r).toMatchObject({ size: 5, appendOffset: 11 });
      expect(appendPosts()).toBe(posts + 1);
      // The service's CRC-64 of the object, when it has one; not confirmed (the object's before was unknown).
      if (r.crc64 !== undefined) expect(r.crc64).toBe(crc64Decimal("hello world"));
      expect(r.crc64Confirmed).toBeUndefined();
      expect(listed.crc64).toBe(r.crc64);
      expect(await text(direct, "log")).toBe("hello world");
    });

    it("not applied (the object was re-created as it was): the network failure stays retryable, and a retry appends", async () => {
      const { store, direct } = pair();
      const obj = await store.createAppend("log");
      await store.writeAppend(obj, "hello ");
      loseNextAnswer(async () => direct.writeAppend(await direct.createAppend("log"), "hello "));
      await expect(store.writeAppend(obj, "world")).rejects.toMatchObject({ code: "ServiceInternal", retryable: true });
      expect(await text(direct, "log")).toBe("hello ");
      await store.writeAppend(obj, "world");
      expect(await text(direct, "log")).toBe("hello world");
    });

    it("applied, then the object re-created with as many bytes ending in the chunk: no success that names a CRC-64 not the object's", async () => {
      const { store, direct } = pair();
      const obj = await store.createAppend("log");
      await store.writeAppend(obj, "hello ");
      loseNextAnswer(async () => direct.writeAppend(await direct.createAppend("log"), "HOWDY world"));
      const out = await settle(store.writeAppend(obj, "world"));
      const stored = await text(direct, "log");
      expect(stored).toBe("HOWDY world");
      if ("error" in out) {
        // A CRC-64 storage sees the object is not the one `obj` described; nothing to retry.
        expect(out.error).toMatchObject({ code: "IntegrityMismatch", retryable: false });
      } else {
        // Only the position and the chunk could be checked (no CRC-64): none is claimed.
        expect(out.value.crc64).toBeUndefined();
        expect(out.value.crc64Confirmed).toBeUndefined();
        expect(obj.crc64).toBeUndefined();
      }
    });

    o.more?.({
      get emulator() {
        return env.emulator;
      },
      get proxy() {
        return env.proxy;
      },
      stores: (open, transport) => env.stores(open, transport),
      pair,
    });
  });
}
