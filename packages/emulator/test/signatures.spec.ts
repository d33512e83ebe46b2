import { describe, expect, it } from "@jest/globals";
import { qsGoCanonicalPath } from "../src/common/encoding.js";
import { cosHttpString, cosSignature } from "../src/cos/signature.js";
import { ossV1Resource, ossV1Signature, ossV1StringToSign } from "../src/oss/signature-v1.js";
import { ossV4CanonicalRequest, ossV4Signature, ossV4StringToSign } from "../src/oss/signature-v4.js";
import { QS_SUBRESOURCES, qsResource, qsSignature, qsStringToSign } from "../src/qingstor/signature.js";

// Vectors from ../shared/reference/protocols.md (official SDK tests, reproduced there).

describe("COS q-sign verifier", () => {
  it("matches cos-go-sdk-v5 TestNewAuthorization", () => {
    const input = {
      method: "PUT",
      pathname: "/testfile2",
      query: [],
      headers: {
        host: "testbucket-125000000.cos.ap-guangzhou.myqcloud.com",
        "x-cos-content-sha1": "db8ac1c259eb89d4a131b253bacfca5f319d54f2",
        "x-cos-stroage-class": "nearline",
      },
    };
    const auth = { keyTime: "1480932292;1481012292", signTime: "1480932292;1481012292", headerList: ["host", "x-cos-content-sha1", "x-cos-stroage-class"], urlParamList: [] };
    expect(cosHttpString(input, auth)).toBe(
      "put\n/testfile2\n\nhost=testbucket-125000000.cos.ap-guangzhou.myqcloud.com&x-cos-content-sha1=db8ac1c259eb89d4a131b253bacfca5f319d54f2&x-cos-stroage-class=nearline\n",
    );
    expect(cosSignature("AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM", input, auth)).toBe("ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a");
  });

  it("matches the Node SDK getAuthorization vector (decoded path, encoded query and headers)", () => {
    const input = {
      method: "GET",
      pathname: "/dir/a b+c.txt",
      query: [["response-content-type", "text/plain"], ["versionId", "MTg0NDUx"]] as [string, string][],
      headers: { host: "examplebucket-1250000000.cos.ap-beijing.myqcloud.com", range: "bytes=0-9", "x-cos-meta-foo": "Bar Baz" },
    };
    const auth = { keyTime: "1700000000;1700003600", signTime: "1700000000;1700003600", headerList: ["host", "range", "x-cos-meta-foo"], urlParamList: ["response-content-type", "versionid"] };
    expect(cosSignature("SKEXAMPLE", input, auth)).toBe("5cf126d9909c881c08773e7f5a02b21d67b548e0");
  });
});

describe("OSS V1 verifier", () => {
  const date = "Wed, 28 Dec 2022 10:27:41 GMT";
  const headers = { "x-oss-date": date, "x-oss-meta-author": "alice", "x-oss-meta-magic": "abracadabra", "content-type": "text/html" };

  it("matches the Go SDK v2 header vectors", () => {
    const base = { method: "PUT", contentMd5: "eB5eJF1ptWaXm4bijSPyxw==", contentType: "text/html", date, headers };
    expect(ossV1Signature("sk", ossV1StringToSign({ ...base, resource: ossV1Resource("examplebucket", "nelson", []) }))).toBe("kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
    expect(ossV1Signature("sk", ossV1StringToSign({ ...base, resource: ossV1Resource("examplebucket", "nelson", [["acl", ""]]) }))).toBe("/afkugFbmWDQ967j1vr6zygBLQk=");
    const bucketOp = { method: "GET", contentMd5: "", contentType: "", date, headers: { "x-oss-date": date } };
    const resource = ossV1Resource("examplebucket", undefined, [["resourceGroup", ""], ["acl", ""], ["non-resousce", "null"]]);
    expect(resource).toBe("/examplebucket/?acl&resourceGroup");
    expect(ossV1Signature("sk", ossV1StringToSign({ ...bucketOp, resource }))).toBe("x3E5TgOvl/i7PN618s5mEvpJDYk=");
  });

  it("matches the ali-oss signUtils vectors (raw key with space and +, uploadId, continuation-token with list parameters unsigned)", () => {
    const d = "Tue, 14 Nov 2023 22:13:20 GMT";
    const put = ossV1StringToSign({
      method: "PUT",
      contentMd5: "M3szwC+JSTAmhDmD/ycqMA==",
      contentType: "text/plain",
      date: d,
      headers: { "x-oss-date": d, "x-oss-meta-foo": "Bar" },
      resource: ossV1Resource("mybucket", "dir/a b+c.txt", []),
    });
    expect(ossV1Signature("sk", put)).toBe("9VXgjwEAUrRjIdtVjIWRDLUuA/Y=");
    const bare = { contentMd5: "", contentType: "", date: d, headers: { "x-oss-date": d } };
    const complete = ossV1StringToSign({ ...bare, method: "POST", resource: ossV1Resource("mybucket", "big.bin", [["uploadId", "UPLOADID"]]) });
    expect(ossV1Signature("sk", complete)).toBe("srfElwuPJh0946DCBJNAeNIP5No=");
    const listResource = ossV1Resource("mybucket", undefined, [["list-type", "2"], ["continuation-token", "tok"], ["max-keys", "100"], ["encoding-type", "url"]]);
    expect(listResource).toBe("/mybucket/?continuation-token=tok");
    expect(ossV1Signature("sk", ossV1StringToSign({ ...bare, method: "GET", resource: listResource }))).toBe("wWwFwSdyyKCVYz1I043zumSvlVo=");
  });

  it("matches the presigned vector query1 and the captured ali-oss signatureUrl", () => {
    const presign = { method: "GET", contentMd5: "", contentType: "", headers: {} };
    const query1 = ossV1StringToSign({ ...presign, date: "1699807420", resource: ossV1Resource("bucket", "key", [["versionId", "versionId"]]) });
    expect(query1).toBe("GET\n\n\n1699807420\n/bucket/key?versionId=versionId");
    expect(ossV1Signature("sk", query1)).toBe("dcLTea+Yh9ApirQ8o8dOPqtvJXQ=");
    const captured = ossV1StringToSign({ ...presign, date: "1795336293", resource: ossV1Resource("mybucket", "dir/a b.txt", [["response-content-type", "text/plain"]]) });
    expect(captured).toBe("GET\n\n\n1795336293\n/mybucket/dir/a b.txt?response-content-type=text/plain");
    expect(ossV1Signature("sk", captured)).toBe("ICVN83dx0pKm68IrD8QyJwk+CnU=");
  });

  it("matches the presigned vector with a security token", () => {
    const sts = ossV1StringToSign({
      method: "GET",
      contentMd5: "",
      contentType: "",
      date: "1699808204",
      headers: {},
      resource: ossV1Resource("bucket", "key+123", [["versionId", "versionId"], ["security-token", "token"]]),
    });
    expect(sts).toBe("GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId");
    expect(ossV1Signature("sk", sts)).toBe("jzKYRrM5y6Br0dRFPaTGOsbrDhY=");
  });
});

describe("OSS V4 verifier", () => {
  const query: [string, string][] = [["param1", "value1"], ["+param1", "value3"], ["|param1", "value4"], ["+param2", ""], ["|param2", ""], ["param2", ""]];
  const headers = { "x-oss-head1": "value", abc: "value", zabc: "value", xyz: "value", "content-type": "text/plain", "x-oss-content-sha256": "UNSIGNED-PAYLOAD" };

  it("matches TestV4AuthHeader case 1", () => {
    const canonical = ossV4CanonicalRequest({
      method: "PUT",
      bucket: "bucket",
      key: "1234+-/123/1.txt",
      query,
      headers: { ...headers, "x-oss-date": "20231216T162057Z" },
      additionalHeaders: [],
      hashedPayload: "UNSIGNED-PAYLOAD",
    });
    expect(canonical).toBe(
      "PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD",
    );
    const sts = ossV4StringToSign("20231216T162057Z", "20231216/cn-hangzhou/oss/aliyun_v4_request", canonical);
    expect(ossV4Signature("sk", "20231216", "cn-hangzhou", "oss", sts)).toBe("e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe");
  });

  it("matches the presigned (AuthQuery) case 1", () => {
    const canonical = ossV4CanonicalRequest({
      method: "PUT",
      bucket: "bucket",
      key: "1234+-/123/1.txt",
      query: [
        ...query,
        ["x-oss-credential", "ak/20231217/cn-hangzhou/oss/aliyun_v4_request"],
        ["x-oss-date", "20231217T025437Z"],
        ["x-oss-expires", "599"],
        ["x-oss-signature-version", "OSS4-HMAC-SHA256"],
      ],
      headers: { "x-oss-head1": "value", abc: "value", zabc: "value", xyz: "value", "content-type": "application/octet-stream" },
      additionalHeaders: [],
      hashedPayload: "UNSIGNED-PAYLOAD",
    });
    const sts = ossV4StringToSign("20231217T025437Z", "20231217/cn-hangzhou/oss/aliyun_v4_request", canonical);
    expect(ossV4Signature("sk", "20231217", "cn-hangzhou", "oss", sts)).toBe("a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe");
  });

  /** The signature of the Go test's PUT at unix time `t`, over `requestHeaders` and `requestQuery`, signing `additional` too. */
  function signAt(t: number, requestHeaders: Record<string, string>, requestQuery: [string, string][], additional: string[]): string {
    const iso = new Date(t * 1000).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const day = iso.slice(0, 8);
    const canonical = ossV4CanonicalRequest({ method: "PUT", bucket: "bucket", key: "1234+-/123/1.txt", query: requestQuery, headers: requestHeaders, additionalHeaders: additional, hashedPayload: "UNSIGNED-PAYLOAD" });
    return ossV4Signature("sk", day, "cn-hangzhou", "oss", ossV4StringToSign(iso, `${day}/cn-hangzhou/oss/aliyun_v4_request`, canonical));
  }

  it("matches TestV4AuthHeader with a security token, and with additional headers", () => {
    expect(signAt(1702784856, { ...headers, "x-oss-date": "20231217T034736Z", "x-oss-security-token": "token" }, query, [])).toBe("b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea");
    expect(signAt(1702747512, { ...headers, "x-oss-date": "20231216T172512Z" }, query, ["abc", "zabc"])).toBe("4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f");
  });

  it("matches TestV4AuthQuery with a security token, and with additional headers", () => {
    const presignHeaders = { "x-oss-head1": "value", abc: "value", zabc: "value", xyz: "value", "content-type": "application/octet-stream" };
    const presignQuery = (iso: string, extra: [string, string][]): [string, string][] => [
      ...query,
      ["x-oss-credential", `ak/${iso.slice(0, 8)}/cn-hangzhou/oss/aliyun_v4_request`],
      ["x-oss-date", iso],
      ["x-oss-expires", "599"],
      ["x-oss-signature-version", "OSS4-HMAC-SHA256"],
      ...extra,
    ];
    expect(signAt(1702785388, presignHeaders, presignQuery("20231217T035628Z", [["x-oss-security-token", "token"]]), [])).toBe("3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5");
    expect(signAt(1702783809, presignHeaders, presignQuery("20231217T033009Z", [["x-oss-additional-headers", "abc;zabc"]]), ["abc", "zabc"])).toBe("6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7");
  });
});

describe("QingStor verifier", () => {
  it("matches the JS SDK snapshot (header and query forms)", () => {
    const headers = { "content-type": "image/jpeg", "x-qs-date": "Fri, 01 Nov 2019 07:40:08 GMT", "x-qs-z": "test-z", "x-qs-a": "test-a", "x-qs-a-abc": "test-abc" };
    const resource = qsResource("/test_bucket/test_object.jpg", [["acl", ""], ["upload_id", "test_upload_id"]], QS_SUBRESOURCES);
    const sts = qsStringToSign({ method: "PUT", contentMd5: "", contentType: "image/jpeg", date: "", headers, resource });
    expect(qsSignature("test_secret", sts)).toBe("ZwavbCq3ylBMlU3fb5EFOabtNyUYWzqi2e0rQBTHkcM=");
    const { "x-qs-date": _d, "content-type": _t, ...rest } = headers;
    const query = qsStringToSign({ method: "PUT", contentMd5: "", contentType: "", date: "1572592959", headers: rest, resource });
    expect(qsSignature("test_secret", query)).toBe("HjroQB6ac19fmFt/1rOMHMco0eJ17gGAGexLYD98u88=");
    // Vector 3: the snapshot's getAuthorization, its shared headers object already stripped of x-qs-date and content-type.
    const third = qsStringToSign({ method: "PUT", contentMd5: "", contentType: "", date: "", headers: rest, resource });
    expect(third).toBe("PUT\n\n\n\nx-qs-a:test-a\nx-qs-a-abc:test-abc\nx-qs-z:test-z\n/test_bucket/test_object.jpg?acl&upload_id=test_upload_id");
    expect(qsSignature("test_secret", third)).toBe("L6q5iKoyWbQky0T5/MYELz5jAFecGbvLDyjLdz6fClw=");
  });

  it("matches the Go SDK vectors WithXQSDate, Query, QueryWithXQSDate, Disposition, Cname and Vhost", () => {
    const D = "Mon, 01 Jan 0001 00:00:00 GMT";
    const q: [string, string][] = [["acl", ""], ["upload_id", "fde133b5f6d932cd9c79bac3c7318da1"], ["part_number", "0"], ["other", "abc"]];
    const t12 = { "x-qs-test-1": "Test 1", "x-qs-test-2": "Test 2" };
    const sign = (method: string, date: string, headers: Record<string, string>, path: string, query: [string, string][]): string =>
      qsSignature("ENV_SECRET_ACCESS_KEY", qsStringToSign({ method, contentMd5: "", contentType: "", date, headers, resource: qsResource(path, query, QS_SUBRESOURCES) }));
    expect(sign("GET", "", { "x-qs-date": D, ...t12 }, "/", q)).toBe("qkY+tOMdqfDAVv+ZBtlWeEBxlbyIKaQmj5lQlylENzo=");
    expect(sign("GET", "3600", t12, "/", q)).toBe("GRL3p3NOgHR9CQygASvyo344vdnO1hFke6ZvQ5mDVHM=");
    expect(sign("GET", "3600", { "x-qs-date": D, ...t12 }, "/", q)).toBe("plFxMFP1EzKVtdF+bApT8rhW9AUAIWfmZcOGH3m27t0=");
    const disposition = "attachment; filename=\"%E4%B8%AD%E6%96%87.jpg\"; filename*=utf-8''%E4%B8%AD%E6%96%87.jpg";
    expect(sign("GET", "3600", {}, "/", [["response-content-disposition", disposition]])).toBe("XPMfomqMYu7ej62eqitVcPJyZMvfi72ZxXwGpPWv07I=");
    expect(sign("PUT", D, t12, "/bucket-name", [["cname", ""]])).toBe("Kqc4/+6T7zfSrUPgkvswHbtL4ESch9vOVQP0nPwlkBs=");
    expect(sign("GET", D, {}, "/bucket-name/", [["acl", ""]])).toBe("y0rP8LnEGUiV/JcuCMHZC4OMRZNzKRw9w7AnqehJZW8=");
  });

  it("matches the Go SDK vectors (unsigned params dropped, canonical path)", () => {
    const D = "Mon, 01 Jan 0001 00:00:00 GMT";
    const q: [string, string][] = [["acl", ""], ["upload_id", "fde133b5f6d932cd9c79bac3c7318da1"], ["part_number", "0"], ["other", "abc"]];
    const headers = { "x-qs-test-2": "Test 2", "x-qs-test-1": "Test 1" };
    const sts = qsStringToSign({ method: "GET", contentMd5: "", contentType: "", date: D, headers, resource: qsResource("/", q, QS_SUBRESOURCES) });
    expect(qsSignature("ENV_SECRET_ACCESS_KEY", sts)).toBe("bvglZF9iMOv1RaCTxPYWxexmt1UN2m5WKngYnhDEp2c=");
    const path = qsGoCanonicalPath("/bucket-name/中文");
    expect(path).toBe("/bucket-name/%E4%B8%AD%E6%96%87");
    const chinese = qsStringToSign({ method: "GET", contentMd5: "", contentType: "", date: D, headers: {}, resource: path });
    expect(qsSignature("ENV_SECRET_ACCESS_KEY", chinese)).toBe("XsTXX50kzqBf92zLG1aIUIJmZ0hqIHoaHgkumwnV3fs=");
  });
});
