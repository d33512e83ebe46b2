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
