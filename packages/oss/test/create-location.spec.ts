import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { endpointRegion } from "../src/addressing.js";
import "../src/index.js";

// Refusals come before any request: nothing may reach these hosts (no retries, short timeout, in case).
const NAMED = "credential=hmac:ak:sk&endpoint=https:oss-cn-beijing.aliyuncs.com&max_retries=0&request_timeout=200ms";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", region: "cn-hangzhou" });
});

afterAll(async () => {
  await emulator.stop();
});

async function listed(srv: ReturnType<typeof newServicer>): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for await (const s of srv.list()) out.set(s.info.name, s.info.location);
  return out;
}

describe("oss: the region an endpoint names", () => {
  it.each([
    ["oss-cn-beijing.aliyuncs.com", "cn-beijing"],
    ["oss-cn-shanghai-internal.aliyuncs.com", "cn-shanghai"],
    ["oss-accelerate.aliyuncs.com", undefined],
    ["oss-rg-china-mainland.aliyuncs.com", undefined],
    ["oss.example.com", undefined],
    ["127.0.0.1", undefined],
  ])("%s → %s", (host, region) => {
    expect(endpointRegion(parseEndpoint(`https:${host}`))).toBe(region);
  });

  it("is the location of a storager opened without one", () => {
    expect(newStorager(`oss://bucket-b/?${NAMED}`).info.location).toBe("cn-beijing");
    expect(newServicer(`oss://?${NAMED}`).get("bucket-b").info.location).toBe("cn-beijing");
  });

  it("refuses another location for a servicer, at open time and in create (before anything is sent)", async () => {
    expect(() => newServicer(`oss://?${NAMED}&location=cn-hangzhou`)).toThrow(expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("cn-beijing") }));
    expect(newServicer(`oss://?${NAMED}&location=oss-cn-beijing`).get("bucket-b").info.location).toBe("cn-beijing");
    const srv = newServicer(`oss://?${NAMED}`);
    await expect(srv.create("bucket-b", { location: "cn-hangzhou" })).rejects.toMatchObject({ code: "InvalidArgument", op: "servicer_create", message: expect.stringContaining("disagrees with endpoint oss-cn-beijing.aliyuncs.com") });
    expect(newStorager(`oss://bucket-b/?${NAMED}&location=cn-beijing`).info.location).toBe("cn-beijing");
    expect(newStorager(`oss://bucket-b/?${NAMED}&location=oss-cn-beijing`).info.location).toBe("cn-beijing");
  });

  it("does not refuse a storager's location: OSS lists the buckets of every region on any endpoint", () => {
    expect(newStorager(`oss://bucket-b/?${NAMED}&location=cn-hangzhou`).info.location).toBe("cn-hangzhou");
  });
});

describe("oss: create's location with an endpoint that names no region (the emulator)", () => {
  it("is refused when it is not the servicer's own, and no bucket is created", async () => {
    const base = `credential=hmac:${emulator.credential.accessKey}:${emulator.credential.secretKey}&endpoint=http:127.0.0.1:${emulator.port}`;
    for (const srv of [newServicer(`oss://?${base}`), newServicer(`oss://?${base}&location=cn-hangzhou`)]) {
      await expect(srv.create("elsewhere-bucket", { location: "cn-beijing" })).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("names no region") });
    }
    expect((await listed(newServicer(`oss://?${base}`))).has("elsewhere-bucket")).toBe(false);
  });

  it("is the servicer's own otherwise, which the storager reports", async () => {
    const srv = newServicer(`oss://?credential=hmac:${emulator.credential.accessKey}:${emulator.credential.secretKey}&endpoint=http:127.0.0.1:${emulator.port}&location=cn-hangzhou`);
    const stores: Storager[] = [await srv.create("here-bucket", { location: "cn-hangzhou" }), await srv.create("here-too-bucket")];
    expect(stores.map((s) => s.info.location)).toEqual(["cn-hangzhou", "cn-hangzhou"]);
    const all = await listed(srv);
    expect([all.get("here-bucket"), all.get("here-too-bucket")]).toEqual(["cn-hangzhou", "cn-hangzhou"]);
    await srv.delete("here-bucket");
    await srv.delete("here-too-bucket");
  });
});
