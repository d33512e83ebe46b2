import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { ossV4CanonicalRequest, ossV4Signature, ossV4StringToSign } from "../src/oss/signature-v4.js";
import { errorCode, ossEc, ossV4Request, type RawResponse } from "./raw-client.js";

// A V4 header-signed request must carry `x-oss-content-sha256: UNSIGNED-PAYLOAD` (protocols.md §2.2:
// required). OSS refuses any other value (help page 0002-00000214: "Change the value of the
// x-oss-content-sha256 header to UNSIGNED-PAYLOAD"); the emulator took a missing header as
// UNSIGNED-PAYLOAD and signed over any value given, a body digest included.

const BUCKET = "v4-sha256";
let oss: Emulator;

beforeAll(async () => {
  oss = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});
afterAll(async () => {
  await oss.stop();
});

/**
 * A V4 PUT of `x` to `k`, correctly signed over `sha256` as the payload hash (the header sent with
 * that value; `undefined`: no header, UNSIGNED-PAYLOAD signed).
 */
function putSignedOver(sha256: string | undefined): Promise<RawResponse> {
  const iso = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = iso.slice(0, 8);
  const region = oss.region;
  const headers: Record<string, string> = { host: `127.0.0.1:${oss.port}`, "x-oss-date": iso, "content-length": "1" };
  if (sha256 !== undefined) headers["x-oss-content-sha256"] = sha256;
  const canonical = ossV4CanonicalRequest({ method: "PUT", bucket: BUCKET, key: "k", query: [], headers, additionalHeaders: [], hashedPayload: sha256 ?? "UNSIGNED-PAYLOAD" });
  const scope = `${day}/${region}/oss/aliyun_v4_request`;
  const signature = ossV4Signature(oss.credential.secretKey, day, region, "oss", ossV4StringToSign(iso, scope, canonical));
  headers.authorization = `OSS4-HMAC-SHA256 Credential=${oss.credential.accessKey}/${scope},Signature=${signature}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: oss.port, method: "PUT", path: `/${BUCKET}/k`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end("x");
  });
}

describe("oss emulator: x-oss-content-sha256 on V4 header-signed requests", () => {
  it("takes UNSIGNED-PAYLOAD", async () => {
    expect((await putSignedOver("UNSIGNED-PAYLOAD")).status).toBe(200);
    expect((await ossV4Request(oss, { method: "GET", bucket: BUCKET, key: "k" }, { region: oss.region })).status).toBe(200);
  });

  it.each([
    ["the body's SHA-256", "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"],
    ["a wrong digest", "0".repeat(64)],
    ["another word", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"],
    ["the right word in lower case", "unsigned-payload"],
  ])("refuses %s with 400 InvalidArgument, EC 0002-00000214", async (_what, value) => {
    const r = await putSignedOver(value);
    expect([r.status, errorCode(r), ossEc(r)]).toEqual([400, "InvalidArgument", "0002-00000214"]);
    expect(r.body).toContain("The value of the x-oss-content-sha256 header is invalid");
  });

  it("refuses a request without the header the same way", async () => {
    const r = await putSignedOver(undefined);
    expect([r.status, errorCode(r), ossEc(r)]).toEqual([400, "InvalidArgument", "0002-00000214"]);
  });
});
