import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import type { ProxiedServiceEmulator } from "./proxied-emulator.js";
import { startProxy, type Proxy } from "./proxy.js";

const PAGE = "<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>";
const isComplete = (req: IncomingMessage): boolean => req.method === "POST" && /[?&](uploadId|upload_id)=/.test(req.url ?? "");

/** Provider-specific values of {@link runGateway503Suite}. */
export interface Gateway503Options {
  /** The provider's name, the first word of the describe's name ("cos"). */
  provider: string;
  /** The bucket the emulator is started with. */
  bucket: string;
  /** A part size the provider accepts for a non-last part, in bytes (the write goes in two and a bit). */
  partSize: number;
}

/**
 * Registers, as a jest `describe`, the cases of a Complete or an append the service applied whose
 * answer a gateway replaced with its own HTML 503 page: such a 503 is not the service's throttling
 * error document, so it says nothing of what was done, and the retry's answer (no such upload, a
 * position mismatch) is judged as that attempt's effect, as after a 500 or a 504. A 127.0.0.1
 * proxy in front of the provider's emulator (`setup`, started in `beforeAll`) swaps the answer.
 * @throws nothing itself.
 */
export function runGateway503Suite(setup: () => Promise<ProxiedServiceEmulator>, o: Gateway503Options): void {
  let emulator: ProxiedServiceEmulator;
  let proxy: Proxy;
  /** The next request this matches is forwarded (so applied), and its answer replaced with {@link PAGE}. */
  let swapNext: ((req: IncomingMessage) => boolean) | undefined;
  beforeAll(async () => {
    emulator = await setup();
    proxy = await startProxy(emulator.port, {
      replace: (req) => {
        if (swapNext?.(req) !== true) return undefined;
        swapNext = undefined;
        return { status: 503, contentType: "text/html", body: PAGE };
      },
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await emulator.stop();
  });
  const store = (): Storager => {
    const direct = emulator.connectionString(o.bucket, `/${randomUUID()}/`);
    const tuning = `&multipart_threshold=${o.partSize}&part_size=${o.partSize}&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3`;
    return newStorager(direct.replace(`127.0.0.1:${emulator.port}`, `127.0.0.1:${proxy.port}`) + tuning);
  };

  describe(`${o.provider}: an applied request answered with a gateway's HTML 503`, () => {
    it("a multipart write whose Complete was applied succeeds, and the object is whole", async () => {
      const s = store();
      const data = randomBytes(o.partSize * 2 + 10);
      swapNext = isComplete;
      const before = proxy.seen.length;
      await s.write("big", data);
      expect(swapNext).toBeUndefined(); // the Complete was swapped
      expect(proxy.seen.slice(before).filter((r) => /^POST .*[?&](uploadId|upload_id)=/.test(r))).toHaveLength(2);
      expect((await s.read("big")).equals(data)).toBe(true);
    });

    it("an append that was applied is reported done, and the object holds its bytes once", async () => {
      const s = store();
      const obj = await s.createAppend("log");
      await s.writeAppend(obj, "first-");
      swapNext = (req) => /[?&]append/.test(req.url ?? "") && /position=[1-9]/.test(req.url ?? "");
      expect(await s.writeAppend(obj, "second")).toMatchObject({ size: 6, appendOffset: 12 });
      expect(swapNext).toBeUndefined();
      expect((await s.read("log")).toString()).toBe("first-second");
    });
  });
}
