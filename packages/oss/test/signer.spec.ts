import { describe, expect, it } from "@jest/globals";
import {
  isoBasic,
  isSubresource,
  ossV1Authorization,
  ossV1CanonicalResource,
  ossV1PresignQuery,
  ossV1StringToSign,
  ossV4Authorization,
  ossV4PresignQuery,
  ossV4SigningSteps,
} from "../src/signer.js";

const KEY = { accessKeyId: "ak", accessKeySecret: "sk" };
const DATE = "Wed, 28 Dec 2022 10:27:41 GMT";
const V1_HEADERS = {
  "Content-MD5": "eB5eJF1ptWaXm4bijSPyxw==",
  "Content-Type": "text/html",
  "x-oss-meta-author": "alice",
  "x-oss-meta-magic": "abracadabra",
  "x-oss-date": DATE,
};

describe("OSS V1 signer (protocols.md §2.1, Go SDK v2 TestV1AuthHeader / TestV1AuthQuery)", () => {
  it("case 1: PUT with MD5, type and metadata", () => {
    const input = { method: "PUT", resource: "/examplebucket/nelson", query: [], headers: V1_HEADERS };
    expect(ossV1StringToSign(input, DATE)).toBe(
      "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson",
    );
    expect(ossV1Authorization(input, KEY, DATE)).toBe("OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
  });

  it("case 2: the ?acl sub-resource is signed", () => {
    const input = { method: "PUT", resource: "/examplebucket/nelson", query: [["acl", undefined]] as const, headers: V1_HEADERS };
    expect(ossV1Authorization(input, KEY, DATE)).toBe("OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=");
  });

  it("cases 3 and 4: bucket resources sign sub-resources only, sorted", () => {
    const headers = { "x-oss-date": DATE };
    const c3 = { method: "GET", resource: "/examplebucket/", query: [["resourceGroup", undefined], ["non-resousce", "null"]] as const, headers };
    expect(ossV1StringToSign(c3, DATE)).toBe("GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n/examplebucket/?resourceGroup");
    expect(ossV1Authorization(c3, KEY, DATE)).toBe("OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs=");
    const c4 = { method: "GET", resource: "/examplebucket/", query: [["resourceGroup", undefined], ["acl", undefined]] as const, headers };
    expect(ossV1Authorization(c4, KEY, DATE)).toBe("OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk=");
  });

  it("presigns with Expires in the date slot, and the security token as a signed sub-resource", () => {
    const q1 = ossV1PresignQuery({ method: "GET", resource: "/bucket/key", query: [["versionId", "versionId"]], headers: {} }, KEY, 1699807420);
    expect(q1).toEqual([["OSSAccessKeyId", "ak"], ["Expires", "1699807420"], ["Signature", "dcLTea+Yh9ApirQ8o8dOPqtvJXQ="]]);
    const input = { method: "GET", resource: "/bucket/key+123", query: [["versionId", "versionId"], ["security-token", "token"]] as const, headers: {} };
    expect(ossV1StringToSign(input, "1699808204")).toBe("GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId");
    expect(ossV1PresignQuery(input, KEY, 1699808204)[2]).toEqual(["Signature", "jzKYRrM5y6Br0dRFPaTGOsbrDhY="]);
  });

  it("reproduces the captured ali-oss signatureUrl (raw key with a space, a signed response-* override)", () => {
    const input = { method: "GET", resource: "/mybucket/dir/a b.txt", query: [["response-content-type", "text/plain"]] as const, headers: {} };
    expect(ossV1StringToSign(input, "1795336293")).toBe("GET\n\n\n1795336293\n/mybucket/dir/a b.txt?response-content-type=text/plain");
    expect(ossV1PresignQuery(input, KEY, 1795336293)).toEqual([["OSSAccessKeyId", "ak"], ["Expires", "1795336293"], ["Signature", "ICVN83dx0pKm68IrD8QyJwk+CnU="]]);
  });

  it("reproduces the ali-oss signUtils vectors (raw key with space and +, uploadId, continuation-token)", () => {
    const date = "Tue, 14 Nov 2023 22:13:20 GMT";
    const put = {
      method: "PUT",
      resource: "/mybucket/dir/a b+c.txt",
      query: [],
      headers: { "content-md5": "M3szwC+JSTAmhDmD/ycqMA==", "content-type": "text/plain", "x-oss-date": date, "x-oss-meta-foo": "Bar" },
    };
    expect(ossV1Authorization(put, KEY, date)).toBe("OSS ak:9VXgjwEAUrRjIdtVjIWRDLUuA/Y=");
    const complete = { method: "POST", resource: "/mybucket/big.bin", query: [["uploadId", "UPLOADID"]] as const, headers: { "x-oss-date": date } };
    expect(ossV1Authorization(complete, KEY, date)).toBe("OSS ak:srfElwuPJh0946DCBJNAeNIP5No=");
    const list = {
      method: "GET",
      resource: "/mybucket/",
      query: [["list-type", "2"], ["continuation-token", "tok"], ["max-keys", "100"], ["encoding-type", "url"]] as const,
      headers: { "x-oss-date": date },
    };
    expect(ossV1Authorization(list, KEY, date)).toBe("OSS ak:wWwFwSdyyKCVYz1I043zumSvlVo=");
  });

  it("knows the sub-resources", () => {
    expect(ossV1CanonicalResource("/b/k", [["position", "10"], ["append", undefined], ["prefix", "x"]])).toBe("/b/k?append&position=10");
    expect(ossV1CanonicalResource("/b/links/a b", [["symlink", undefined]])).toBe("/b/links/a b?symlink");
    expect(isSubresource("symlink")).toBe(true);
    expect(isSubresource("x-oss-process")).toBe(true);
    expect(isSubresource("max-keys")).toBe(false);
  });
});

const V4_QUERY = [["param1", "value1"], ["+param1", "value3"], ["|param1", "value4"], ["+param2", ""], ["|param2", ""], ["param2", ""]] as const;
const V4_RESOURCE = "/bucket/1234+-/123/1.txt";

describe("OSS V4 signer (protocols.md §2.2, Go SDK v2 TestV4AuthHeader / TestV4AuthQuery)", () => {
  const headers = (date: Date, extra: Record<string, string> = {}): Record<string, string> => ({
    "x-oss-head1": "value",
    abc: "value",
    ZAbc: "value",
    XYZ: "value",
    "content-type": "text/plain",
    "x-oss-content-sha256": "UNSIGNED-PAYLOAD",
    "x-oss-date": isoBasic(date),
    ...extra,
  });

  it("header case 1: canonical request, string to sign and Authorization", () => {
    const date = new Date(1702743657 * 1000);
    const input = { method: "PUT", resource: V4_RESOURCE, query: V4_QUERY, headers: headers(date) };
    const steps = ossV4SigningSteps(input, KEY, { region: "cn-hangzhou", date });
    expect(steps.canonicalRequest).toBe(
      "PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD",
    );
    expect(steps.stringToSign).toBe(
      "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\nf4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4",
    );
    expect(ossV4Authorization(input, KEY, { region: "cn-hangzhou", date })).toBe(
      "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe",
    );
  });

  it("header with a security token, and with additional headers", () => {
    const date = new Date(1702784856 * 1000);
    const withToken = { method: "PUT", resource: V4_RESOURCE, query: V4_QUERY, headers: headers(date, { "x-oss-security-token": "token" }) };
    expect(ossV4Authorization(withToken, KEY, { region: "cn-hangzhou", date })).toBe(
      "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea",
    );
    const d2 = new Date(1702747512 * 1000);
    const input = { method: "PUT", resource: V4_RESOURCE, query: V4_QUERY, headers: headers(d2) };
    const expected =
      "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f";
    expect(ossV4Authorization(input, KEY, { region: "cn-hangzhou", date: d2, additionalHeaders: ["ZAbc", "abc"] })).toBe(expected);
    expect(ossV4Authorization(input, KEY, { region: "cn-hangzhou", date: d2, additionalHeaders: ["x-oss-no-exist", "ZAbc", "x-oss-head1", "abc"] })).toBe(expected);
  });

  it("presigns: query case 1, with a token, and with additional headers", () => {
    const h = { "x-oss-head1": "value", abc: "value", ZAbc: "value", XYZ: "value", "content-type": "application/octet-stream" };
    const input = { method: "PUT", resource: V4_RESOURCE, query: V4_QUERY, headers: h };
    const q1 = ossV4PresignQuery(input, KEY, { region: "cn-hangzhou", date: new Date(1702781677 * 1000), expires: 599 });
    expect(q1).toEqual([
      ["x-oss-signature-version", "OSS4-HMAC-SHA256"],
      ["x-oss-credential", "ak/20231217/cn-hangzhou/oss/aliyun_v4_request"],
      ["x-oss-date", "20231217T025437Z"],
      ["x-oss-expires", "599"],
      ["x-oss-signature", "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe"],
    ]);
    const q2 = ossV4PresignQuery(input, KEY, { region: "cn-hangzhou", date: new Date(1702785388 * 1000), expires: 599, securityToken: "token" });
    expect(q2.at(-1)).toEqual(["x-oss-signature", "3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5"]);
    const q3 = ossV4PresignQuery(input, KEY, { region: "cn-hangzhou", date: new Date(1702783809 * 1000), expires: 599, additionalHeaders: ["ZAbc", "abc"] });
    expect(q3).toContainEqual(["x-oss-additional-headers", "abc;zabc"]);
    expect(q3.at(-1)).toEqual(["x-oss-signature", "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7"]);
  });

  it("cloudbox scopes use their product", () => {
    const date = new Date(1702743657 * 1000);
    const input = { method: "PUT", resource: V4_RESOURCE, query: V4_QUERY, headers: headers(date) };
    expect(ossV4Authorization(input, KEY, { region: "cb-123", product: "oss-cloudbox", date })).toBe(
      "OSS4-HMAC-SHA256 Credential=ak/20231216/cb-123/oss-cloudbox/aliyun_v4_request,Signature=94ce1f12c17d148ea681030275a94449d3357f5b5b21133996eec80af3e08a43",
    );
  });

  it("formats the V4 date", () => {
    expect(isoBasic(new Date(1702743657 * 1000))).toBe("20231216T162057Z");
  });
});
