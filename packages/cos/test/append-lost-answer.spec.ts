import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { runAppendLostAnswerSuite, startProxy, type Proxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { proxiedCos } from "./proxied-store.js";

const BUCKET = "append-lost-1250000000";

// Appends whose answer is lost or aborted (the shared suite).
runAppendLostAnswerSuite(() => startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "cos",
  bucket: BUCKET,
  open: proxiedCos(BUCKET),
});

// COS documents no CRC-64 in its APPEND answer (the emulator sends one): a proxy takes it out.
describe("cos append answered without a CRC-64, as COS documents it", () => {
  const isAppend = (req: IncomingMessage): boolean => req.method === "POST" && /[?&]append\b/.test(req.url ?? "");
  let emulator: Emulator;
  let proxy: Proxy;
  beforeAll(async () => {
    emulator = await startEmulator({ provider: "cos", buckets: [BUCKET] });
    proxy = await startProxy(emulator.port, {
      rewrite: (req, headers) => {
        if (isAppend(req)) delete headers["x-cos-hash-crc64ecma"];
        return headers;
      },
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await emulator.stop();
  });
  const open = (): { store: Storager; direct: Storager } => {
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    return { store: newStorager(conn.replace(`127.0.0.1:${emulator.port}`, `127.0.0.1:${proxy.port}`)), direct: newStorager(conn) };
  };

  it("claims no CRC-64: the result has none, and the append object drops its own", async () => {
    const { store } = open();
    const obj = await store.createAppend("log");
    expect(obj.crc64).toBe("0");
    const r = await store.writeAppend(obj, "hello ");
    expect(r).toEqual({ size: 6, appendOffset: 6 });
    expect(obj.crc64).toBeUndefined();
    expect(await store.writeAppend(obj, "world")).toEqual({ size: 5, appendOffset: 11 });
    expect((await store.read("log")).toString()).toBe("hello world");
  });

  it("an append through a stale object onto one re-created with as many bytes goes on (only the position is checked), claiming no CRC-64", async () => {
    const { store, direct } = open();
    const stale = await store.createAppend("log");
    await store.writeAppend(stale, "A1");
    await direct.writeAppend(await direct.createAppend("log"), "B2");
    const r = await store.writeAppend(stale, "C");
    expect(r).toEqual({ size: 1, appendOffset: 3 });
    expect(stale.crc64).toBeUndefined();
    const stored = await direct.read("log");
    expect(stored.toString()).toBe("B2C");
  });
});
