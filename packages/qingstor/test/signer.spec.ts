import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "@stowage/core";
import { encodeQingStorKey, requestPath } from "../src/addressing.js";
import { canonicalHeaders, canonicalResource, qsAuthorization, qsPresignQuery, qsSignature, stringToSign } from "../src/signer.js";

const D = "Mon, 01 Jan 0001 00:00:00 GMT";
const UPLOAD = "fde133b5f6d932cd9c79bac3c7318da1";

describe("QingStor signer: the JS SDK snapshot vectors (protocols.md §3.1)", () => {
  const base = {
    method: "PUT",
    path: "/test_bucket/test_object.jpg",
    query: [
      ["acl", undefined],
      ["upload_id", "test_upload_id"],
    ] as const,
  };
  const xqs = { "x-qs-z": "test-z", "x-qs-a": "test-a", "x-qs-a-abc": "test-abc" };

  it("1) header sign with x-qs-date: empty date line, sorted x-qs headers", () => {
    const input = { ...base, headers: { "content-type": "image/jpeg", "x-qs-date": "Fri, 01 Nov 2019 07:40:08 GMT", ...xqs } };
    expect(stringToSign(input, "")).toBe(
      "PUT\n\nimage/jpeg\n\nx-qs-a:test-a\nx-qs-a-abc:test-abc\nx-qs-date:Fri, 01 Nov 2019 07:40:08 GMT\nx-qs-z:test-z\n/test_bucket/test_object.jpg?acl&upload_id=test_upload_id",
    );
    expect(qsAuthorization(input, "test_key", "test_secret")).toBe("QS test_key:ZwavbCq3ylBMlU3fb5EFOabtNyUYWzqi2e0rQBTHkcM=");
  });

  it("2) query sign: expires in the date line, content-type and x-qs-date left out", () => {
    expect(qsPresignQuery({ ...base, headers: xqs }, "test_key", "test_secret", 1572592959)).toEqual([
      ["access_key_id", "test_key"],
      ["expires", "1572592959"],
      ["signature", "HjroQB6ac19fmFt/1rOMHMco0eJ17gGAGexLYD98u88="],
    ]);
  });

  it("3) getAuthorization without content-type or date", () => {
    const sts = stringToSign({ ...base, headers: xqs }, "");
    expect(sts).toBe("PUT\n\n\n\nx-qs-a:test-a\nx-qs-a-abc:test-abc\nx-qs-z:test-z\n/test_bucket/test_object.jpg?acl&upload_id=test_upload_id");
    expect(qsSignature("test_secret", sts)).toBe("L6q5iKoyWbQky0T5/MYELz5jAFecGbvLDyjLdz6fClw=");
  });
});

describe("QingStor signer: the Go SDK v2 signer vectors", () => {
  const AK = "ENV_ACCESS_KEY_ID";
  const SK = "ENV_SECRET_ACCESS_KEY";
  const query = [
    ["acl", undefined],
    ["upload_id", UPLOAD],
    ["part_number", "0"],
    ["other", "abc"],
  ] as const;
  const tests = { "X-QS-Test-2": "Test 2", "X-QS-Test-1": "Test 1" };

  it("WriteSignature: Date header in the date line; unsigned parameters left out", () => {
    expect(qsAuthorization({ method: "GET", path: "/", query, headers: { Date: D, ...tests } }, AK, SK)).toBe(`QS ${AK}:bvglZF9iMOv1RaCTxPYWxexmt1UN2m5WKngYnhDEp2c=`);
  });

  it("WithXQSDate: the date line is empty when X-QS-Date is sent", () => {
    expect(qsAuthorization({ method: "GET", path: "/", query, headers: { Date: D, "X-QS-Date": D, ...tests } }, AK, SK)).toBe(
      `QS ${AK}:qkY+tOMdqfDAVv+ZBtlWeEBxlbyIKaQmj5lQlylENzo=`,
    );
  });

  it("Chinese: the key path is percent-encoded as Go canonicalizes it", () => {
    const path = requestPath("bucket-name", "中文");
    expect(path).toBe("/bucket-name/%E4%B8%AD%E6%96%87");
    expect(qsAuthorization({ method: "GET", path, query: [], headers: { Date: D } }, AK, SK)).toBe(`QS ${AK}:XsTXX50kzqBf92zLG1aIUIJmZ0hqIHoaHgkumwnV3fs=`);
  });

  it("Query and QueryWithXQSDate: expires 3600 in the date line", () => {
    expect(qsPresignQuery({ method: "GET", path: "/", query, headers: tests }, AK, SK, 3600)[2]).toEqual(["signature", "GRL3p3NOgHR9CQygASvyo344vdnO1hFke6ZvQ5mDVHM="]);
    expect(qsPresignQuery({ method: "GET", path: "/", query, headers: { "X-QS-Date": D, ...tests } }, AK, SK, 3600)[2]).toEqual([
      "signature",
      "plFxMFP1EzKVtdF+bApT8rhW9AUAIWfmZcOGH3m27t0=",
    ]);
  });

  it("Disposition: response-* values are signed raw", () => {
    const value = "attachment; filename=\"%E4%B8%AD%E6%96%87.jpg\"; filename*=utf-8''%E4%B8%AD%E6%96%87.jpg";
    const q = qsPresignQuery({ method: "GET", path: "/", query: [["response-content-disposition", value]], headers: {} }, AK, SK, 3600);
    expect(q[2]).toEqual(["signature", "XPMfomqMYu7ej62eqitVcPJyZMvfi72ZxXwGpPWv07I="]);
  });

  it("Cname and Vhost", () => {
    expect(qsAuthorization({ method: "PUT", path: "/bucket-name", query: [["cname", undefined]], headers: { Date: D, ...tests } }, AK, SK)).toBe(
      `QS ${AK}:Kqc4/+6T7zfSrUPgkvswHbtL4ESch9vOVQP0nPwlkBs=`,
    );
    expect(qsAuthorization({ method: "GET", path: "/bucket-name/", query: [["acl", undefined]], headers: { Date: D } }, AK, SK)).toBe(
      `QS ${AK}:y0rP8LnEGUiV/JcuCMHZC4OMRZNzKRw9w7AnqehJZW8=`,
    );
  });
});

describe("QingStor canonical pieces", () => {
  it("signs append with its position, as the Go SDK does", () => {
    expect(canonicalResource("/b/log", [["append", undefined], ["position", "0"]])).toBe("/b/log?append&position=0");
    expect(canonicalResource("/b", [["prefix", "a"], ["limit", "10"]])).toBe("/b");
    expect(canonicalResource("/b", [["uploads", undefined], ["prefix", "p"]])).toBe("/b?uploads");
  });

  it("picks only x-qs-* headers, trimmed and lower-cased", () => {
    expect(canonicalHeaders({ "X-QS-Meta-B": " 2 ", "x-qs-meta-a": "1", Host: "h", "Content-Type": "t" })).toBe("x-qs-meta-a:1\nx-qs-meta-b:2\n");
  });

  it("encodes keys byte-exact: unreserved characters, / and = stay, everything else upper-case %XX", () => {
    expect(encodeQingStorKey("dir/a b+c*(x)~!=%.txt")).toBe("dir/a%20b%2Bc%2A%28x%29~%21=%25.txt");
    expect(encodeQingStorKey("?#&")).toBe("%3F%23%26");
    expect(requestPath(undefined, undefined)).toBe("/");
    expect(requestPath("b-bucket", undefined)).toBe("/b-bucket");
  });

  it("refuses a key that is no string, or not valid Unicode, with InvalidArgument naming encodeQingStorKey", () => {
    for (const [key, says] of [
      [5, "encodeQingStorKey: key must be a string, got number"],
      [null, "encodeQingStorKey: key must be a string, got null"],
      [undefined, "encodeQingStorKey: key must be a string, got undefined"],
      ["a\ud800b", "encodeQingStorKey: key must be valid Unicode"],
    ] as const) {
      let e: unknown;
      try {
        encodeQingStorKey(key as never);
      } catch (x) {
        e = x;
      }
      expect(isStorageError(e) && e.code).toBe("InvalidArgument");
      expect((e as Error).message).toContain(says);
    }
  });
});
