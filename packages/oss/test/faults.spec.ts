import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "@jest/globals";
import { runFaultSuite } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "faults-oss";
const KiB = 1024;
const TUNING = "&multipart_threshold=512KiB&part_size=256KiB&concurrency=2&retry_base_delay=1ms&retry_max_delay=5ms&max_retries=3";
let emulator: Emulator;

runFaultSuite(
  "oss",
  async () => {
    emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
    const store = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${TUNING}`);
    return { emulator, bucket: BUCKET, store };
  },
  {
    checksum: "crc64",
    throttleName: "TotalQpsLimitExceeded",
    multipart: { size: 1300 * KiB + 123, parts: 6 },
    twoPartSize: 900 * KiB,
    skewPairs: "&signature_version=v1",
  },
);

describe("oss faults: V4 signatures", () => {
  afterEach(() => emulator.setFaults([]));

  it("corrects a clock skewed by 3600 s from the server's Date (v4, also on body-less HEAD answers)", async () => {
    const path = `s/${randomUUID()}`;
    const skewed = newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}&max_retries=0&signature_version=v4`);
    emulator.setFaults([{ kind: "clock-skew", seconds: 3600 }]);
    await expect(skewed.stat(path)).rejects.toMatchObject({ code: "ObjectNotExist" });
    await skewed.write(path, "on time");
    expect((await skewed.read(path)).toString()).toBe("on time");
    await skewed.delete(path);
  });
});
