/**
 * Paging the emulator plays as the services do: COS GET Service pages by marker/max-keys and lists
 * only the caller's buckets; COS PUT Bucket wants `<name>-<APPID>`; OSS refuses a continuation token
 * it did not issue (400 InvalidArgument), as OSS does.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator, type EmulatorCredential } from "../src/index.js";
import { cosRequest, errorCode, ossRequest } from "./raw-client.js";

const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };
let emu: Emulator | undefined;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const tag = (body: string, name: string): string[] => [...body.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((m) => m[1]!);

describe("cos: GET Service", () => {
  it("pages by max-keys and marker (IsTruncated, NextMarker), in name order, and lists only the caller's buckets", async () => {
    emu = await startEmulator({ provider: "cos", buckets: ["preset-1250000000"], credentials: [A, B] });
    for (const b of ["a-1250000000", "c-1250000000", "e-1250000000"]) expect((await cosRequest(emu, { method: "PUT", bucket: b })).status).toBe(200);
    emu.setCredentials([B, A]); // requests are now signed by B
    expect((await cosRequest(emu, { method: "PUT", bucket: "b-of-b-1250000000" })).status).toBe(200);
    emu.setCredentials([A, B]);
    const seen: string[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const res = await cosRequest(emu, { method: "GET", bucket: "", query: [["max-keys", "2"], ...(marker === undefined ? [] : [["marker", marker] as [string, string]])] });
      expect(res.status).toBe(200);
      const names = tag(res.body, "Name");
      expect(names.length).toBeLessThanOrEqual(2);
      seen.push(...names);
      expect(tag(res.body, "MaxKeys")).toEqual(["2"]);
      if (tag(res.body, "IsTruncated")[0] !== "true") {
        expect(tag(res.body, "NextMarker")).toEqual([]);
        break;
      }
      marker = tag(res.body, "NextMarker")[0];
      expect(marker).toBe(names[names.length - 1]);
    }
    expect(seen).toEqual(["a-1250000000", "c-1250000000", "e-1250000000", "preset-1250000000"]);
    emu.setCredentials([B, A]);
    const b = await cosRequest(emu, { method: "GET", bucket: "" });
    expect(tag(b.body, "Name")).toEqual(["b-of-b-1250000000", "preset-1250000000"]);
    expect(tag(b.body, "MaxKeys")).toEqual(["2000"]);
    const zero = await cosRequest(emu, { method: "GET", bucket: "", query: [["max-keys", "0"]] });
    expect([zero.status, errorCode(zero)]).toEqual([400, "InvalidArgument"]);
  });

  it("PUT Bucket refuses a name without -<APPID> (400 InvalidBucketName) and creates nothing", async () => {
    emu = await startEmulator({ provider: "cos" });
    for (const name of ["nodashbucket", "name-", "name-12a", "-1250000000"]) {
      const res = await cosRequest(emu, { method: "PUT", bucket: name });
      expect([name, res.status, errorCode(res)]).toEqual([name, 400, "InvalidBucketName"]);
    }
    expect((await cosRequest(emu, { method: "PUT", bucket: "with-appid-1250000000" })).status).toBe(200);
    expect(tag((await cosRequest(emu, { method: "GET", bucket: "" })).body, "Name")).toEqual(["with-appid-1250000000"]);
  });
});

describe("oss: ListObjectsV2 continuation tokens", () => {
  it("continues from a token it issued and refuses any other (400 InvalidArgument)", async () => {
    emu = await startEmulator({ provider: "oss", buckets: ["tok-bucket", "other-bucket"] });
    for (const bucket of ["tok-bucket", "other-bucket"]) {
      for (const k of ["a", "b", "c"]) expect((await ossRequest(emu, { method: "PUT", bucket, key: k, body: "v" })).status).toBe(200);
    }
    const list = (bucket: string, token?: string): ReturnType<typeof ossRequest> =>
      ossRequest(emu!, { method: "GET", bucket, query: [["list-type", "2"], ["max-keys", "1"], ...(token === undefined ? [] : [["continuation-token", token] as [string, string]])] });
    const first = await list("tok-bucket");
    const token = tag(first.body, "NextContinuationToken")[0]!;
    expect(token).toBeDefined();
    const second = await list("tok-bucket", token);
    expect([second.status, tag(second.body, "Key")]).toEqual([200, ["b"]]);
    const foreign = tag((await list("other-bucket")).body, "NextContinuationToken")[0]!;
    // Made-up strings, a bare base64 key (the emulator's tokens before they were checked), edited tokens, another bucket's.
    for (const bad of ["garbage", "b", Buffer.from("a").toString("base64url"), token.slice(0, -1), `${token}x`, `x${token}`, foreign]) {
      const res = await list("tok-bucket", bad);
      expect([bad, res.status, errorCode(res)]).toEqual([bad, 400, "InvalidArgument"]);
    }
  });
});
