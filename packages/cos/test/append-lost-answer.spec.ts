import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { crc64Decimal, newStorager, type Storager } from "@stowage/core";
import { runAppendLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { proxiedCos } from "./proxied-store.js";

const BUCKET = "append-lost-1250000000";

// Appends whose answer is lost or aborted (the shared suite). COS's APPEND answers carry no CRC-64
// (the emulator sends none either); reads of an appendable object carry one by default in the
// emulator, which COS does not document: the suite runs in both worlds.
runAppendLostAnswerSuite(() => startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "cos",
  bucket: BUCKET,
  open: proxiedCos(BUCKET),
});
runAppendLostAnswerSuite(() => startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" }, cosAppendableCrc64: false }), {
  provider: "cos (no CRC-64 on reads of appendable objects)",
  bucket: BUCKET,
  open: proxiedCos(BUCKET),
});

// COS documents no CRC-64 in its APPEND answer, and the emulator sends none.
describe.each([
  ["with", true],
  ["without", false],
])("cos append answered without a CRC-64, as COS documents it (%s a CRC-64 on reads of the appendable object)", (_label, appendableCrc64) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], cosAppendableCrc64: appendableCrc64 });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const open = (): { store: Storager; direct: Storager } => {
    const conn = emulator.connectionString(BUCKET, `/${randomUUID()}/`);
    return { store: newStorager(conn), direct: newStorager(conn) };
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
    // A stat names the CRC-64 only where reads of the appendable object carry one.
    expect((await store.stat("log")).crc64).toBe(appendableCrc64 ? crc64Decimal("hello world") : undefined);
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
