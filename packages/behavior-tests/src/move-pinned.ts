import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "@jest/globals";
import type { Storager } from "@stowage/core";
import { useProxiedEmulator, type OpenProxiedStore, type ProxiedEmulator, type ProxiedServiceEmulator, type ProxiedStores, type ProxiedTransport } from "./proxied-emulator.js";

/** What the cases of {@link runMovePinnedSuite} share with a driver's own ({@link MovePinnedOptions.more}). */
export interface MovePinnedContext<E extends ProxiedServiceEmulator> extends ProxiedEmulator<E> {
  /** A fresh pair: the driver through the proxy (no retries; its driver with `tuning`) and `direct`. */
  pair(tuning?: ProxiedTransport["tuning"]): ProxiedStores;
}

/** Provider-specific values of {@link runMovePinnedSuite}. */
export interface MovePinnedOptions<E extends ProxiedServiceEmulator> {
  /** The provider's name, the first word of describe names ("cos"). */
  provider: string;
  /** The bucket the emulator was started with. */
  bucket: string;
  /** Builds the driver under test (see {@link OpenProxiedStore}). */
  open: OpenProxiedStore;
  /**
   * The copy-source header ("x-cos-copy-source"); its `-if-match` companion is the pin. A copy is
   * a PUT carrying it; a part copy's URL also has `partNumber`.
   */
  copySource: string;
  /**
   * Set when core stats a move's source first, to see where a link leads (a driver with
   * `createLink`): the driver's own HEAD of the source is then a move's second.
   */
  linkCheckHead?: boolean;
  /** A multipart copy of `size` bytes with the driver's `tuning` (at least two ranges). */
  multipartCopy: { tuning: ProxiedTransport["tuning"]; size: number };
  /** Registers the driver's own cases at the end of the describe. */
  more?: (ctx: MovePinnedContext<E>) => void;
}

/** Matches the `n`th HEAD from now on. */
function nthHead(n: number): (req: IncomingMessage) => boolean {
  let seen = 0;
  return (req) => req.method === "HEAD" && ++seen === n;
}

const text = async (s: Storager, path: string): Promise<string> => (await s.read(path)).toString();

/**
 * Registers, as a jest `describe` named `<provider> move: ...`, the cases of a move or copy whose
 * source changes while it runs, through an {@link AnswerProxy} in front of the provider's emulator:
 * the copy is pinned to the ETag the driver's HEAD saw (`<copySource>-if-match`, every range of a
 * multipart copy too), so a source overwritten before the copy is not copied (Conflict 412,
 * nothing stored or deleted, no upload left) and one overwritten after it is not deleted (Conflict,
 * the destination holds the copied version); an unchanged source is moved with exactly the
 * expected requests, and a source gone after the copy is no error.
 *
 * `setup` runs once in `beforeAll` and starts the emulator with `o.bucket` (stopped in `afterAll`).
 * @throws nothing itself; the registered cases fail on StorageError codes other than Conflict and ObjectNotExist.
 */
export function runMovePinnedSuite<E extends ProxiedServiceEmulator>(setup: () => Promise<E>, o: MovePinnedOptions<E>): void {
  /** The `<copySource>-if-match` of every copy request the proxy saw in the current case. */
  let copyConditions: (string | undefined)[] = [];
  const env = useProxiedEmulator(setup, {
    bucket: o.bucket,
    observe: (req) => {
      if (req.headers[o.copySource] !== undefined) copyConditions.push(req.headers[`${o.copySource}-if-match`] as string | undefined);
    },
    reset: () => {
      copyConditions = [];
    },
  });
  const ctx: MovePinnedContext<E> = {
    get emulator() {
      return env.emulator;
    },
    get proxy() {
      return env.proxy;
    },
    stores: (open, transport) => env.stores(open, transport),
    pair: (tuning = {}) => env.stores(o.open, { retry: { maxRetries: 0 }, tuning }),
  };
  const isCopy = (req: IncomingMessage): boolean => req.method === "PUT" && req.headers[o.copySource] !== undefined && !(req.url ?? "").includes("partNumber");
  /** The pin the driver sends for a source of ETag `etag`: the ETag as the service gave it (OSS's upper-case hex too), quoted once. */
  const pin = (etag: string): string => `"${etag.replace(/"/g, "")}"`;
  /** The driver's HEAD of a move's source. */
  const moveHead = o.linkCheckHead === true ? 2 : 1;

  describe(`${o.provider} move: the source is deleted only while it is the version copied`, () => {
    it("a source overwritten after the copy is kept: Conflict, the destination holds the copied version", async () => {
      const { store, direct } = ctx.pair();
      await direct.write("src", "version 1");
      ctx.proxy.hook = { match: isCopy, run: async () => void (await direct.write("src", "version 2, never copied")) };
      await expect(store.move("src", "dst")).rejects.toMatchObject({
        name: "StorageError",
        code: "Conflict",
        retryable: false,
        message: expect.stringContaining("the source changed during the move"),
      });
      expect(ctx.proxy.hook).toBeUndefined();
      expect(await text(direct, "src")).toBe("version 2, never copied");
      expect(await text(direct, "dst")).toBe("version 1");
    });

    it("a source overwritten between its HEAD and the copy is not copied (412): Conflict, nothing stored, nothing deleted", async () => {
      const { store, direct } = ctx.pair();
      await direct.write("src", "version 1");
      const etag = (await direct.stat("src")).etag!;
      ctx.proxy.hook = { match: nthHead(moveHead), run: async () => void (await direct.write("src", "version 2")) };
      await expect(store.move("src", "dst")).rejects.toMatchObject({ code: "Conflict", statusCode: 412, message: expect.stringContaining("nothing was copied") });
      expect(copyConditions).toEqual([pin(etag)]);
      expect(await text(direct, "src")).toBe("version 2");
      await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
      // A plain copy is pinned the same way.
      ctx.proxy.hook = { match: nthHead(1), run: async () => void (await direct.write("src", "version 3")) };
      await expect(store.copy("src", "dst")).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
      await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
    });

    it("a multipart copy pins every range: a source overwritten after its HEAD fails with Conflict, the upload is aborted", async () => {
      const { store, direct } = ctx.pair(o.multipartCopy.tuning);
      const size = o.multipartCopy.size;
      await direct.write("big", randomBytes(size));
      const etag = (await direct.stat("big")).etag!;
      ctx.proxy.hook = { match: nthHead(moveHead), run: async () => void (await direct.write("big", randomBytes(size))) };
      await expect(store.move("big", "big-moved")).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
      expect(copyConditions.length).toBeGreaterThan(0);
      for (const condition of copyConditions) expect(condition).toBe(pin(etag));
      await expect(direct.stat("big-moved")).rejects.toMatchObject({ code: "ObjectNotExist" });
      expect((await direct.stat("big")).etag).not.toBe(etag);
      const uploads = [];
      for await (const u of direct.list("", { mode: "part" })) uploads.push(u);
      expect(uploads).toEqual([]);
    });

    const requests = o.linkCheckHead === true ? "core's HEAD, HEAD, pinned copy, HEAD, DELETE" : "HEAD, pinned copy, HEAD, DELETE";
    it(`an unchanged source is moved (${requests}); a source gone after the copy is fine`, async () => {
      const { store, direct } = ctx.pair();
      await direct.write("a", "alpha");
      const before = ctx.proxy.seen.length;
      await store.move("a", "b");
      expect(ctx.proxy.seen.slice(before).map((s) => s.split(" ")[0])).toEqual([...Array<string>(moveHead).fill("HEAD"), "PUT", "HEAD", "DELETE"]);
      expect(await text(direct, "b")).toBe("alpha");
      await expect(direct.stat("a")).rejects.toMatchObject({ code: "ObjectNotExist" });
      ctx.proxy.hook = { match: isCopy, run: () => direct.delete("b") };
      await store.move("b", "c");
      expect(ctx.proxy.hook).toBeUndefined();
      expect(await text(direct, "c")).toBe("alpha");
      await expect(direct.stat("b")).rejects.toMatchObject({ code: "ObjectNotExist" });
    });

    o.more?.(ctx);
  });
}
