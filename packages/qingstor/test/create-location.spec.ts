import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { createdZone, endpointZone } from "../src/addressing.js";
import "../src/index.js";

// Refusals come before any request: nothing may reach these hosts (no retries, short timeout, in case).
const NAMED = "credential=hmac:ak:sk&endpoint=https:pek3b.qingstor.com&max_retries=0&request_timeout=200ms";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", region: "pek3a" });
});

afterAll(async () => {
  await emulator.stop();
});

async function listed(srv: ReturnType<typeof newServicer>): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for await (const s of srv.list()) out.set(s.info.name, s.info.location);
  return out;
}

describe("qingstor: the zone an endpoint names", () => {
  it.each([
    ["pek3b.qingstor.com", "pek3b"],
    ["SH1A.qingstor.com", "sh1a"],
    ["qingstor.com", undefined],
    ["s3.pek3b.qingstor.com", undefined],
    ["storage.example.com", undefined],
    ["127.0.0.1", undefined],
  ])("%s → %s", (host, zone) => {
    expect(endpointZone(parseEndpoint(`https:${host}`))).toBe(zone);
  });

  it("refuses another location for a servicer, at open time and in create (before anything is sent)", async () => {
    expect(() => newServicer(`qingstor://?${NAMED}&location=sh1a`)).toThrow(expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("pek3b") }));
    await expect(newServicer(`qingstor://?${NAMED}`).create("bucket-b", { location: "sh1a" })).rejects.toMatchObject({
      code: "InvalidArgument",
      op: "servicer_create",
      message: expect.stringContaining("disagrees with endpoint pek3b.qingstor.com"),
    });
    expect(newStorager(`qingstor://bucket-b/?${NAMED}&location=pek3b`).info.location).toBe("pek3b");
  });

  it("leaves a location in front of an endpoint that names no zone (qingstor.com, a custom domain)", () => {
    expect(createdZone("sh1a", undefined, parseEndpoint("https:qingstor.com"))).toBe("sh1a");
    expect(createdZone("sh1a", "pek3b", parseEndpoint("https:storage.example.com"))).toBe("sh1a");
    expect(createdZone(undefined, undefined, parseEndpoint("https:pek3b.qingstor.com"))).toBe("pek3b");
  });
});

describe("qingstor: create's location with an IP endpoint (the emulator)", () => {
  it("is refused when it is not the servicer's own, and no bucket is created", async () => {
    const base = `credential=hmac:${emulator.credential.accessKey}:${emulator.credential.secretKey}&endpoint=http:127.0.0.1:${emulator.port}`;
    for (const srv of [newServicer(`qingstor://?${base}`), newServicer(`qingstor://?${base}&location=pek3a`)]) {
      await expect(srv.create("elsewhere-bucket", { location: "sh1a" })).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("whatever zone it serves") });
    }
    expect((await listed(newServicer(`qingstor://?${base}`))).has("elsewhere-bucket")).toBe(false);
  });

  it("is the servicer's own otherwise, which the storager reports", async () => {
    const srv = newServicer(`qingstor://?credential=hmac:${emulator.credential.accessKey}:${emulator.credential.secretKey}&endpoint=http:127.0.0.1:${emulator.port}&location=pek3a`);
    const stores: Storager[] = [await srv.create("here-bucket", { location: "pek3a" }), await srv.create("here-too-bucket")];
    expect(stores.map((s) => s.info.location)).toEqual(["pek3a", "pek3a"]);
    const all = await listed(srv);
    expect([all.get("here-bucket"), all.get("here-too-bucket")]).toEqual(["pek3a", "pek3a"]);
    await srv.delete("here-bucket");
    await srv.delete("here-too-bucket");
  });
});
