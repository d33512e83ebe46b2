import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, crc64Decimal, mergePairs, newServicer, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

const BUCKET = "driver-1250000000";
const TOKEN = "session-token-xyz";
const MiB = 1024 * 1024;
let emulator: Emulator;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({
    provider: "cos",
    buckets: [BUCKET],
    credentials: [
      { accessKey: "plain-ak", secretKey: "plain-sk" },
      { accessKey: "temp-ak", secretKey: "temp-sk", securityToken: TOKEN },
    ],
  });
});

afterAll(async () => {
  await emulator.stop();
});

function base(credential: string, extra = ""): string {
  return `cos://${BUCKET}/${randomUUID()}/?credential=${credential}&endpoint=http:127.0.0.1:${emulator.port}&location=ap-guangzhou${extra}`;
}

/** A storager over a driver built directly, to set tuning the pairs do not expose. */
function tunedStorager(copyThreshold: number, copyPartSize: number): Storager {
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "plain-ak", secretKey: "plain-sk" }, undefined);
  const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${emulator.port}`) }), credentials);
  const driver = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, { copyThreshold, copyPartSize });
  const config = { name: BUCKET, workDir: `/${randomUUID()}/` };
  return createStorager(driver, { definition: cosService, config, pairs: mergePairs(cosService), defaults: {}, loose: false });
}

describe("cos driver on the emulator", () => {
  it("copies above the threshold with Upload Part - Copy, keeping bytes, CRC64, type and metadata", async () => {
    const s = tunedStorager(MiB, MiB);
    const data = randomBytes(3 * MiB + 99);
    await s.write("src.bin", data, { contentType: "application/x-big", metadata: { k: "v" } });
    emulator.resetStats();
    await s.copy("src.bin", "dst.bin");
    expect(emulator.stats().byOperation["UploadPartCopy"]).toBe(4);
    expect(emulator.stats().byOperation["CopyObject"]).toBeUndefined();
    const o = await s.stat("dst.bin");
    expect(o).toMatchObject({ size: data.length, crc64: crc64Decimal(data), contentType: "application/x-big", metadata: { k: "v" } });
    expect(sha(await s.read("dst.bin"))).toBe(sha(data));
    await s.move("dst.bin", "moved.bin");
    await expect(s.stat("dst.bin")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await s.deleteMany(["src.bin", "moved.bin"]);
  });

  it("treats a prefix with keys below it as a dir even without a marker", async () => {
    const s = newStorager(base("hmac:plain-ak:plain-sk"));
    await s.write("implied/x/file", "x");
    expect((await s.stat("implied/x", { mode: "dir" })).mode).toBe("dir");
    await expect(s.stat("implied/y", { mode: "dir" })).rejects.toMatchObject({ code: "ObjectNotExist" });
    await s.delete("implied/x/file");
  });

  it("reports upload progress of a large single write", async () => {
    const s = newStorager(base("hmac:plain-ak:plain-sk"));
    const seen: number[] = [];
    await s.write("progress.bin", randomBytes(4 * MiB), { onProgress: (p) => seen.push(p.bytes) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[seen.length - 1]).toBe(4 * MiB);
    await s.delete("progress.bin");
  });

  it("lists in dir mode with one-level prefixes and in prefix mode without dir markers", async () => {
    const s = newStorager(base("hmac:plain-ak:plain-sk"));
    await s.createDir("d/");
    await s.write("d/a", "1");
    await s.write("d/sub/b", "2");
    const dir = [];
    for await (const o of s.list("d/", { mode: "dir", limit: 1 })) dir.push(`${o.path}:${o.mode}`);
    expect(dir).toEqual(["d/a:file", "d/sub/:dir"]);
    const flat = [];
    for await (const o of s.list("d/", { mode: "prefix" })) flat.push(o.path);
    expect(flat).toEqual(["d/a", "d/sub/b"]);
    await s.deleteMany(["d/a", "d/sub/b"]);
    await s.delete("d/", { mode: "dir" });
  });
});

describe("temporary credentials", () => {
  it("sends the security token from the credential or the security_token pair", async () => {
    const withToken = newStorager(base(`hmac:temp-ak:temp-sk:${TOKEN}`));
    await withToken.write("t", "token ok");
    expect((await withToken.read("t")).toString()).toBe("token ok");
    const viaPair = newStorager(base("hmac:temp-ak:temp-sk", `&security_token=${TOKEN}`));
    await viaPair.write("t", "pair ok");
    await viaPair.delete("t");
    const without = newStorager(base("hmac:temp-ak:temp-sk"));
    await expect(without.write("t", "no token")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403 });
  });

  it("asks the credential provider and signs presigned URLs with its token", async () => {
    let calls = 0;
    const s = newStorager({
      type: "cos",
      name: BUCKET,
      workDir: `/${randomUUID()}/`,
      endpoint: `http:127.0.0.1:${emulator.port}`,
      credentialProvider: async () => {
        calls++;
        return { secretId: "temp-ak", secretKey: "temp-sk", securityToken: TOKEN, expiration: new Date(Date.now() + 3600_000) };
      },
    });
    await s.write("p", "provided");
    expect((await s.read("p")).toString()).toBe("provided");
    expect(calls).toBe(1);
    const url = await s.presign("read", "p", { expires: 600 });
    expect(url.url).toContain("x-cos-security-token=");
    const res = await fetch(url.url);
    expect(await res.text()).toBe("provided");
    await s.delete("p");
  });

  it("refuses a wrong secret with PermissionDenied and keeps it out of the error", async () => {
    const s = newStorager(base("hmac:plain-ak:WRONG-SECRET-123"));
    const e = await s.write("x", "y").catch((x: unknown) => x as Error);
    expect(e).toMatchObject({ code: "PermissionDenied", statusCode: 403 });
    expect(String(e)).not.toContain("WRONG-SECRET-123");
    expect(JSON.stringify(e)).not.toContain("WRONG-SECRET-123");
  });
});

describe("cos servicer on the emulator", () => {
  it("creates, lists and deletes buckets", async () => {
    const srv = newServicer(`cos://?credential=hmac:plain-ak:plain-sk&endpoint=http:127.0.0.1:${emulator.port}&location=ap-guangzhou`);
    const name = `made-${Date.now()}`;
    const store = await srv.create(name);
    await store.write("hello", "bucket");
    const names: string[] = [];
    for await (const s of srv.list()) names.push(s.info.name);
    expect(names).toEqual(expect.arrayContaining([BUCKET, name]));
    await expect(srv.delete(name)).rejects.toMatchObject({ code: "Conflict" });
    await store.delete("hello");
    await srv.delete(name);
    await expect(srv.delete(name)).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
