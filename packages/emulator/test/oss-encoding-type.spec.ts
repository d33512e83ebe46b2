import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { errorCode, md5Base64, ossEc, ossRequest } from "./raw-client.js";

// OSS refuses an unknown encoding-type (help page 0017-00000235: 400 InvalidArgument, "Invalid Encoding
// Method specified in Request", ArgumentName/ArgumentValue). Listings and DeleteMultipleObjects take `url`.

const BUCKET = "encoding";
let oss: Emulator;

beforeAll(async () => {
  oss = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  expect((await ossRequest(oss, { method: "PUT", bucket: BUCKET, key: "a b", body: "x" })).status).toBe(200);
});
afterAll(async () => {
  await oss.stop();
});

describe("oss emulator: encoding-type", () => {
  it("ListObjects V1 and V2 encode with url and refuse any other value", async () => {
    const v1 = await ossRequest(oss, { method: "GET", bucket: BUCKET, query: [["encoding-type", "url"]] });
    expect([v1.status, /<Key>([^<]*)<\/Key>/.exec(v1.body)?.[1]]).toEqual([200, "a%20b"]);
    for (const query of [[["encoding-type", "xx"]], [["list-type", "2"], ["encoding-type", "URL"]], [["encoding-type", "base64"]]] as [string, string][][]) {
      const r = await ossRequest(oss, { method: "GET", bucket: BUCKET, query });
      expect([r.status, errorCode(r), ossEc(r)]).toEqual([400, "InvalidArgument", "0017-00000235"]);
      expect(r.body).toContain("<ArgumentName>encoding-type</ArgumentName>");
    }
  });

  it("DeleteMultipleObjects refuses an unknown encoding-type, deleting nothing", async () => {
    const body = "<Delete><Quiet>false</Quiet><Object><Key>a b</Key></Object></Delete>";
    const r = await ossRequest(oss, { method: "POST", bucket: BUCKET, query: [["delete", undefined], ["encoding-type", "foo"]], headers: { "content-md5": md5Base64(body) }, body });
    expect([r.status, errorCode(r), ossEc(r)]).toEqual([400, "InvalidArgument", "0017-00000235"]);
    expect((await ossRequest(oss, { method: "HEAD", bucket: BUCKET, key: "a b" })).status).toBe(200);
  });
});
