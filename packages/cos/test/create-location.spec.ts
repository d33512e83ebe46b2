import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { endpointRegion } from "../src/addressing.js";
import "../src/index.js";

// Refusals come before any request: nothing may reach these hosts (no retries, short timeout, in case).
const NAMED = "credential=hmac:ak:sk&endpoint=https:cos.ap-beijing.myqcloud.com&max_retries=0&request_timeout=200ms";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", region: "ap-guangzhou" });
});

afterAll(async () => {
  await emulator.stop();
});

async function listed(srv: ReturnType<typeof newServicer>): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for await (const s of srv.list()) out.set(s.info.name, s.info.location);
  return out;
}

describe("cos: the region an endpoint names", () => {
  it.each([
    ["cos.ap-beijing.myqcloud.com", "ap-beijing"],
    ["cos.ap-guangzhou.tencentcos.cn", "ap-guangzhou"],
    ["cos-internal.ap-shanghai.tencentcos.cn", "ap-shanghai"],
    ["cn-south.myqcloud.com", "cn-south"],
    ["cos.accelerate.myqcloud.com", undefined],
    ["service.cos.myqcloud.com", undefined],
    ["cos.example.com", undefined],
    ["127.0.0.1", undefined],
  ])("%s → %s", (host, region) => {
    expect(endpointRegion(parseEndpoint(`https:${host}`))).toBe(region);
  });

  it("is the location of a storager opened without one", () => {
    expect(newStorager(`cos://b-1250000000/?${NAMED}`).info.location).toBe("ap-beijing");
    expect(newServicer(`cos://?${NAMED}`).get("b-1250000000").info.location).toBe("ap-beijing");
  });

  it("refuses another location for a servicer, at open time and in create (before anything is sent)", async () => {
    expect(() => newServicer(`cos://?${NAMED}&location=ap-guangzhou`)).toThrow(expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("ap-beijing") }));
    const srv = newServicer(`cos://?${NAMED}`);
    await expect(srv.create("b-1250000000", { location: "ap-guangzhou" })).rejects.toMatchObject({ code: "InvalidArgument", op: "servicer_create", message: expect.stringContaining("disagrees with endpoint cos.ap-beijing.myqcloud.com") });
    expect(newStorager(`cos://b-1250000000/?${NAMED}&location=ap-beijing`).info.location).toBe("ap-beijing");
  });

  it("does not refuse a storager's location: a servicer's listing names buckets of other regions", () => {
    expect(newStorager(`cos://b-1250000000/?${NAMED}&location=ap-guangzhou`).info.location).toBe("ap-guangzhou");
  });
});

describe("cos: create's location with an endpoint that names no region (the emulator)", () => {
  it("is refused when it is not the servicer's own, and no bucket is created", async () => {
    const base = `credential=hmac:${emulator.credential.accessKey}:${emulator.credential.secretKey}&endpoint=http:127.0.0.1:${emulator.port}`;
    for (const srv of [newServicer(`cos://?${base}`), newServicer(`cos://?${base}&location=ap-guangzhou`)]) {
      await expect(srv.create("elsewhere-1250000000", { location: "ap-beijing" })).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("names no region") });
    }
    expect((await listed(newServicer(`cos://?${base}`))).has("elsewhere-1250000000")).toBe(false);
  });

  it("is the servicer's own otherwise, which the storager reports", async () => {
    const srv = newServicer(`cos://?credential=hmac:${emulator.credential.accessKey}:${emulator.credential.secretKey}&endpoint=http:127.0.0.1:${emulator.port}&location=ap-guangzhou`);
    const stores: Storager[] = [await srv.create("here-1250000000", { location: "ap-guangzhou" }), await srv.create("here-too-1250000000")];
    expect(stores.map((s) => s.info.location)).toEqual(["ap-guangzhou", "ap-guangzhou"]);
    const all = await listed(srv);
    expect([all.get("here-1250000000"), all.get("here-too-1250000000")]).toEqual(["ap-guangzhou", "ap-guangzhou"]);
    await srv.delete("here-1250000000");
    await srv.delete("here-too-1250000000");
  });
});
