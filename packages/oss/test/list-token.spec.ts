/**
 * OSS continuation tokens: the driver hands OSS's token on, and a token OSS did not issue comes
 * back as OSS refuses it (400 InvalidArgument) → StorageError InvalidArgument. The emulator checks
 * its tokens as OSS does, so this mapping is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, resolveOpenConfig } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { ossService } from "../src/index.js";

const BUCKET = "token-bucket";
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  const store = newStorager(emu.connectionString(BUCKET));
  for (const k of ["a", "b", "c"]) await store.write(k, "v");
});
afterAll(async () => {
  await emu.stop();
});

describe("oss list tokens", () => {
  it("continue from OSS's own token; a token OSS did not issue is InvalidArgument (400)", async () => {
    const driver = ossService.newStorageDriver(resolveOpenConfig(ossService, emu.connectionString(BUCKET), "storager").config);
    const first = await driver.listPage({ prefix: "", limit: 1 }, {});
    expect(first.items.map((o) => o.key)).toEqual(["a"]);
    const second = await driver.listPage({ prefix: "", limit: 1, token: first.nextToken! }, {});
    expect(second.items.map((o) => o.key)).toEqual(["b"]);
    for (const token of ["garbage", "b", Buffer.from("a").toString("base64url")]) {
      await expect(driver.listPage({ prefix: "", limit: 1, token }, {})).rejects.toMatchObject({ code: "InvalidArgument", statusCode: 400 });
    }
  });

  it("through a storager, a made-up token is refused before anything is sent", async () => {
    const store = newStorager(emu.connectionString(BUCKET));
    emu.resetStats();
    await expect(store.listPage("", { mode: "prefix", token: "garbage" })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(emu.stats().requests).toBe(0);
  });
});
