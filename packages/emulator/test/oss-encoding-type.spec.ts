import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { errorCode, md5Base64, ossEc, ossRequest } from "./raw-client.js";

// OSS refuses an unknown encoding-type (help page 0017-00000235: 400 InvalidArgument, "Invalid Encoding
// Method specified in Request", ArgumentName/ArgumentValue). Listings (of objects and of multipart
// uploads) and DeleteMultipleObjects take `url`.

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

  it("ListMultipartUploads encodes keys, markers, prefix, delimiter and common prefixes with url, and refuses any other value", async () => {
    const keys = ["up/a b+c%d&e<中>", "up/d/x", "up/z\u0001"];
    for (const key of keys) expect((await ossRequest(oss, { method: "POST", bucket: BUCKET, key, query: [["uploads", undefined]] })).status).toBe(200);
    const text = (xml: string, tag: string): string[] => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1]!);
    const list = (extra: [string, string][]) => ossRequest(oss, { method: "GET", bucket: BUCKET, query: [["uploads", undefined], ["prefix", "up/"], ["encoding-type", "url"], ...extra] });
    const first = await list([["max-uploads", "1"]]);
    expect(first.status).toBe(200);
    expect(text(first.body, "EncodingType")).toEqual(["url"]);
    expect([text(first.body, "Prefix"), text(first.body, "Key"), text(first.body, "NextKeyMarker")]).toEqual([["up%2F"], ["up%2Fa%20b%2Bc%25d%26e%3C%E4%B8%AD%3E"], ["up%2Fa%20b%2Bc%25d%26e%3C%E4%B8%AD%3E"]]);
    // The marker goes back decoded (as the SDKs send it), and is echoed encoded.
    const second = await list([["max-uploads", "1"], ["key-marker", keys[0]!], ["delimiter", "/"]]);
    expect([text(second.body, "KeyMarker"), text(second.body, "Delimiter"), text(second.body, "Prefix")]).toEqual([["up%2Fa%20b%2Bc%25d%26e%3C%E4%B8%AD%3E"], ["%2F"], ["up%2F", "up%2Fd%2F"]]);
    const rest = await list([["key-marker", keys[0]!]]);
    expect(text(rest.body, "Key")).toEqual(["up%2Fd%2Fx", "up%2Fz%01"]);
    const plain = await ossRequest(oss, { method: "GET", bucket: BUCKET, query: [["uploads", undefined], ["prefix", "up/d"]] });
    expect([text(plain.body, "Key"), plain.body.includes("EncodingType")]).toEqual([["up/d/x"], false]);
    for (const value of ["xx", "URL", "base64"]) {
      const r = await ossRequest(oss, { method: "GET", bucket: BUCKET, query: [["uploads", undefined], ["encoding-type", value]] });
      expect([r.status, errorCode(r), ossEc(r)]).toEqual([400, "InvalidArgument", "0017-00000235"]);
    }
  });

  it("DeleteMultipleObjects refuses an unknown encoding-type, deleting nothing", async () => {
    const body = "<Delete><Quiet>false</Quiet><Object><Key>a b</Key></Object></Delete>";
    const r = await ossRequest(oss, { method: "POST", bucket: BUCKET, query: [["delete", undefined], ["encoding-type", "foo"]], headers: { "content-md5": md5Base64(body) }, body });
    expect([r.status, errorCode(r), ossEc(r)]).toEqual([400, "InvalidArgument", "0017-00000235"]);
    expect((await ossRequest(oss, { method: "HEAD", bucket: BUCKET, key: "a b" })).status).toBe(200);
  });
});
