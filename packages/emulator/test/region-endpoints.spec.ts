import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, ossEc, ossRequest, ossV4Request, type RawResponse } from "./raw-client.js";

// Requests addressed to another region than their bucket's: OSS V4 credential scopes (region without
// `oss-`, the bucket's, product `oss`; protocols.md §2.2) and hosts of another region's endpoint.

const HZ = "hz-bucket"; // cn-hangzhou, the emulator's region
const BJ = "bj-bucket"; // cn-beijing
const GZ = "gz-1250000000"; // ap-guangzhou, the emulator's region
const BJ_COS = "bj-1250000000"; // ap-beijing

let oss: Emulator;
let cos: Emulator;

beforeAll(async () => {
  [oss, cos] = await Promise.all([
    startEmulator({ provider: "oss", region: "cn-hangzhou", buckets: [HZ, { name: BJ, region: "cn-beijing" }] }),
    startEmulator({ provider: "cos", region: "ap-guangzhou", buckets: [GZ, { name: BJ_COS, region: "ap-beijing" }] }),
  ]);
  await ossRequest(oss, { method: "PUT", bucket: HZ, key: "k", body: "hz" });
  await ossRequest(oss, { method: "PUT", bucket: BJ, key: "k", body: "bj" });
  await cosRequest(cos, { method: "PUT", bucket: GZ, key: "k", body: "gz" });
  await cosRequest(cos, { method: "PUT", bucket: BJ_COS, key: "k", body: "bj" });
});

afterAll(async () => {
  await Promise.all([oss.stop(), cos.stop()]);
});

const refusal = (r: RawResponse): [number, string | undefined, string | undefined] => [r.status, errorCode(r), ossEc(r)];

describe("OSS V4 credential scope", () => {
  it("accepts the bucket's region, through the emulator's own host, for buckets of every region", async () => {
    expect((await ossV4Request(oss, { method: "GET", bucket: HZ, key: "k" }, { region: "cn-hangzhou" })).body).toBe("hz");
    expect((await ossV4Request(oss, { method: "GET", bucket: BJ, key: "k" }, { region: "cn-beijing" })).body).toBe("bj");
  });

  it("refuses a region with the oss- prefix: 403 SignatureDoesNotMatch, EC 0002-00000226", async () => {
    const r = await ossV4Request(oss, { method: "GET", bucket: HZ, key: "k" }, { region: "oss-cn-hangzhou" });
    expect(refusal(r)).toEqual([403, "SignatureDoesNotMatch", "0002-00000226"]);
  });

  it("refuses another region than the bucket's: EC 0002-00000228, and nothing is written", async () => {
    const get = await ossV4Request(oss, { method: "GET", bucket: HZ, key: "k" }, { region: "cn-beijing" });
    expect(refusal(get)).toEqual([403, "SignatureDoesNotMatch", "0002-00000228"]);
    const put = await ossV4Request(oss, { method: "PUT", bucket: BJ, key: "new", body: "x" }, { region: "cn-hangzhou" });
    expect(refusal(put)).toEqual([403, "SignatureDoesNotMatch", "0002-00000228"]);
    expect((await ossRequest(oss, { method: "HEAD", bucket: BJ, key: "new" })).status).toBe(404);
  });

  it("refuses a product other than oss: EC 0002-00000227", async () => {
    const r = await ossV4Request(oss, { method: "GET", bucket: HZ, key: "k" }, { region: "cn-hangzhou", product: "s3" });
    expect(refusal(r)).toEqual([403, "SignatureDoesNotMatch", "0002-00000227"]);
  });

  it("scopes GetService and PutBucket on a host that names no region to the emulator's region", async () => {
    expect((await ossV4Request(oss, { method: "GET", bucket: "" }, { region: "cn-hangzhou" })).status).toBe(200);
    expect(refusal(await ossV4Request(oss, { method: "GET", bucket: "" }, { region: "cn-beijing" }))).toEqual([403, "SignatureDoesNotMatch", "0002-00000226"]);
    expect(refusal(await ossV4Request(oss, { method: "PUT", bucket: "made-elsewhere" }, { region: "cn-beijing" }))).toEqual([403, "SignatureDoesNotMatch", "0002-00000226"]);
    expect((await ossV4Request(oss, { method: "PUT", bucket: "made-here" }, { region: "cn-hangzhou" })).status).toBe(200);
    expect((await ossRequest(oss, { method: "GET", bucket: "made-elsewhere", query: [["location", undefined]] })).status).toBe(404);
  });

  it("leaves a missing bucket to NoSuchBucket, whatever region it is signed for", async () => {
    const r = await ossV4Request(oss, { method: "GET", bucket: "no-such-bucket", key: "k" }, { region: "cn-shanghai" });
    expect([r.status, errorCode(r)]).toEqual([404, "NoSuchBucket"]);
  });

  it("wants the region the Host names: EC 0002-00000226 when the scope names another", async () => {
    const r = await ossV4Request(oss, { method: "GET", bucket: HZ, key: "k", host: `${HZ}.oss-cn-hangzhou.aliyuncs.com` }, { region: "cn-beijing" });
    expect(refusal(r)).toEqual([403, "SignatureDoesNotMatch", "0002-00000226"]);
  });
});

describe("OSS: another region's endpoint", () => {
  const endpointRefusal = (r: RawResponse): [number, string | undefined, string | undefined] => [r.status, errorCode(r), /<Endpoint>([^<]*)<\/Endpoint>/.exec(r.body)?.[1]];

  it("refuses a virtual host of another region with 403 AccessDenied naming the bucket's endpoint (V1 and V4)", async () => {
    const v1 = await ossRequest(oss, { method: "GET", bucket: HZ, key: "k", host: `${HZ}.oss-cn-beijing.aliyuncs.com` });
    expect(endpointRefusal(v1)).toEqual([403, "AccessDenied", "oss-cn-hangzhou.aliyuncs.com"]);
    expect(v1.body).toContain("must be addressed using the specified endpoint");
    const v4 = await ossV4Request(oss, { method: "GET", bucket: HZ, key: "k", host: `${HZ}.oss-cn-beijing.aliyuncs.com` }, { region: "cn-beijing" });
    expect(endpointRefusal(v4)).toEqual([403, "AccessDenied", "oss-cn-hangzhou.aliyuncs.com"]);
    const put = await ossRequest(oss, { method: "PUT", bucket: BJ, key: "via-hz", host: `${BJ}.oss-cn-hangzhou-internal.aliyuncs.com`, body: "x" });
    expect(endpointRefusal(put)).toEqual([403, "AccessDenied", "oss-cn-beijing.aliyuncs.com"]);
    expect((await ossRequest(oss, { method: "HEAD", bucket: BJ, key: "via-hz" })).status).toBe(404);
  });

  it("refuses another region's endpoint addressed path style too", async () => {
    const r = await ossRequest(oss, { method: "GET", bucket: HZ, key: "k", host: "oss-cn-beijing.aliyuncs.com" });
    expect(endpointRefusal(r)).toEqual([403, "AccessDenied", "oss-cn-hangzhou.aliyuncs.com"]);
  });

  it("serves the bucket's own region, acceleration hosts, and GetBucketLocation from any endpoint", async () => {
    expect((await ossRequest(oss, { method: "GET", bucket: HZ, key: "k", host: `${HZ}.oss-cn-hangzhou.aliyuncs.com` })).body).toBe("hz");
    expect((await ossRequest(oss, { method: "GET", bucket: BJ, key: "k", host: "oss-cn-beijing.aliyuncs.com" })).body).toBe("bj");
    expect((await ossRequest(oss, { method: "GET", bucket: HZ, key: "k", host: `${HZ}.oss-accelerate.aliyuncs.com` })).body).toBe("hz");
    const location = await ossRequest(oss, { method: "GET", bucket: HZ, query: [["location", undefined]], host: `${HZ}.oss-cn-beijing.aliyuncs.com` });
    expect([location.status, /<LocationConstraint>([^<]*)</.exec(location.body)?.[1]]).toEqual([200, "oss-cn-hangzhou"]);
  });

  it("creates a bucket in the region of the endpoint addressed", async () => {
    expect((await ossRequest(oss, { method: "PUT", bucket: "made-in-beijing", host: "made-in-beijing.oss-cn-beijing.aliyuncs.com" })).status).toBe(200);
    const location = await ossRequest(oss, { method: "GET", bucket: "made-in-beijing", query: [["location", undefined]] });
    expect(/<LocationConstraint>([^<]*)</.exec(location.body)?.[1]).toBe("oss-cn-beijing");
  });
});

describe("COS: another region's endpoint", () => {
  it("answers 404 NoSuchBucket for a virtual host or path-style endpoint of another region", async () => {
    const vhost = await cosRequest(cos, { method: "GET", bucket: GZ, key: "k", host: `${GZ}.cos.ap-beijing.myqcloud.com` });
    expect([vhost.status, errorCode(vhost)]).toEqual([404, "NoSuchBucket"]);
    const put = await cosRequest(cos, { method: "PUT", bucket: BJ_COS, key: "via-gz", host: `${BJ_COS}.cos.ap-guangzhou.myqcloud.com`, body: "x" });
    expect([put.status, errorCode(put)]).toEqual([404, "NoSuchBucket"]);
    expect((await cosRequest(cos, { method: "HEAD", bucket: BJ_COS, key: "via-gz" })).status).toBe(404);
    const path = await cosRequest(cos, { method: "GET", bucket: GZ, key: "k", host: "cos.ap-beijing.myqcloud.com" });
    expect([path.status, errorCode(path)]).toEqual([404, "NoSuchBucket"]);
  });

  it("serves the bucket's own region, any bucket through the emulator's own host, and the acceleration host", async () => {
    expect((await cosRequest(cos, { method: "GET", bucket: GZ, key: "k", host: `${GZ}.cos.ap-guangzhou.myqcloud.com` })).body).toBe("gz");
    expect((await cosRequest(cos, { method: "GET", bucket: BJ_COS, key: "k", host: "cos.ap-beijing.myqcloud.com" })).body).toBe("bj");
    expect((await cosRequest(cos, { method: "GET", bucket: BJ_COS, key: "k" })).body).toBe("bj");
    expect((await cosRequest(cos, { method: "GET", bucket: GZ, key: "k", host: `${GZ}.cos.accelerate.myqcloud.com` })).body).toBe("gz");
  });
});

describe("COS: GET Service by endpoint", () => {
  const names = (body: string): string[] => [...body.matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => m[1]!);

  it("lists only the region's buckets on a region endpoint, and every region's on the service host and the emulator's own", async () => {
    expect(names((await cosRequest(cos, { method: "GET", bucket: "", host: "cos.ap-beijing.myqcloud.com" })).body)).toEqual([BJ_COS]);
    expect(names((await cosRequest(cos, { method: "GET", bucket: "", host: "cos.ap-guangzhou.myqcloud.com" })).body)).toEqual([GZ]);
    expect(names((await cosRequest(cos, { method: "GET", bucket: "", host: "cos.ap-chengdu.myqcloud.com" })).body)).toEqual([]);
    expect(names((await cosRequest(cos, { method: "GET", bucket: "", host: "service.cos.myqcloud.com" })).body)).toEqual([BJ_COS, GZ]);
    expect(names((await cosRequest(cos, { method: "GET", bucket: "" })).body)).toEqual([BJ_COS, GZ]);
  });
});
