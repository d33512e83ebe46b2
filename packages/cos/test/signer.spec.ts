import { describe, expect, it } from "@jest/globals";
import { createHmac } from "node:crypto";
import { cosAuthorization, cosPresignQuery, cosSigningSteps, isSignedHeader, signWindow } from "../src/signer.js";

describe("COS signer (protocols.md §1.1)", () => {
  it("reproduces test vector 1 (cos-go-sdk-v5 TestNewAuthorization)", () => {
    const input = {
      method: "PUT",
      pathname: "/testfile2",
      query: [],
      headers: {
        Host: "testbucket-125000000.cos.ap-guangzhou.myqcloud.com",
        "x-cos-content-sha1": "db8ac1c259eb89d4a131b253bacfca5f319d54f2",
        "x-cos-stroage-class": "nearline",
      },
    };
    const key = { secretId: "QmFzZTY0IGlzIGEgZ2VuZXJp", secretKey: "AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM", start: 1480932292, end: 1481012292 };
    const steps = cosSigningSteps(input, key);
    expect(steps.signKey).toBe("95d110a8ead64cac52083100db75b7e3f369e72f");
    expect(steps.httpString).toBe(
      "put\n/testfile2\n\nhost=testbucket-125000000.cos.ap-guangzhou.myqcloud.com&x-cos-content-sha1=db8ac1c259eb89d4a131b253bacfca5f319d54f2&x-cos-stroage-class=nearline\n",
    );
    expect(steps.stringToSign).toBe("sha1\n1480932292;1481012292\n113b22e92b74237531fafbfc8bb9e67be55645c7\n");
    expect(cosAuthorization(input, key)).toBe(
      "q-sign-algorithm=sha1&q-ak=QmFzZTY0IGlzIGEgZ2VuZXJp&q-sign-time=1480932292;1481012292&q-key-time=1480932292;1481012292&q-header-list=host;x-cos-content-sha1;x-cos-stroage-class&q-url-param-list=&q-signature=ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a",
    );
  });

  it("reproduces test vector 2 (Node SDK getAuthorization: decoded path, query, encoded header values)", () => {
    const input = {
      method: "GET",
      pathname: "/dir/a b+c.txt",
      query: [
        ["response-content-type", "text/plain"],
        ["versionId", "MTg0NDUx"],
      ] as const,
      headers: { Host: "examplebucket-1250000000.cos.ap-beijing.myqcloud.com", Range: "bytes=0-9", "x-cos-meta-Foo": "Bar Baz" },
    };
    const key = { secretId: "AKIDEXAMPLE", secretKey: "SKEXAMPLE", start: 1700000000, end: 1700003600 };
    const steps = cosSigningSteps(input, key);
    expect(steps.httpString).toBe(
      "get\n/dir/a b+c.txt\nresponse-content-type=text%2Fplain&versionid=MTg0NDUx\nhost=examplebucket-1250000000.cos.ap-beijing.myqcloud.com&range=bytes%3D0-9&x-cos-meta-foo=Bar%20Baz\n",
    );
    expect(steps.stringToSign).toBe("sha1\n1700000000;1700003600\n0e53bb1bb18eb3c7ff6eff8cb39a1f928c9dbb13\n");
    expect(cosAuthorization(input, key)).toBe(
      "q-sign-algorithm=sha1&q-ak=AKIDEXAMPLE&q-sign-time=1700000000;1700003600&q-key-time=1700000000;1700003600&q-header-list=host;range;x-cos-meta-foo&q-url-param-list=response-content-type;versionid&q-signature=5cf126d9909c881c08773e7f5a02b21d67b548e0",
    );
  });

  it("signs valueless parameters as name=, skips empty headers and unsigned ones", () => {
    const steps = cosSigningSteps(
      { method: "POST", pathname: "/k", query: [["uploads", undefined]], headers: { host: "h", "cache-control": "", "user-agent": "x", "Content-MD5": "abc=" } },
      { secretId: "a", secretKey: "b", start: 1, end: 2 },
    );
    expect(steps.httpString).toBe("post\n/k\nuploads=\ncontent-md5=abc%3D&host=h\n");
    expect(steps.signature["q-url-param-list"]).toBe("uploads");
    expect(steps.signature["q-header-list"]).toBe("content-md5;host");
  });

  it("escapes ! ' ( ) * in names and values and sorts by the encoded name", () => {
    const steps = cosSigningSteps(
      { method: "GET", pathname: "/", query: [["b", "x*y"], ["A", "(1)"]], headers: { host: "h" } },
      { secretId: "a", secretKey: "b", start: 1, end: 2 },
    );
    expect(steps.httpString).toBe("get\n/\na=%281%29&b=x%2Ay\nhost=h\n");
  });

  it("gives the presign query parameters in the documented order", () => {
    const q = cosPresignQuery({ method: "GET", pathname: "/k", query: [], headers: { host: "h" } }, { secretId: "ak", secretKey: "sk", start: 10, end: 20 });
    expect(q.map(([k]) => k)).toEqual(["q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"]);
    expect(q[1]).toEqual(["q-ak", "ak"]);
    expect(q[4]).toEqual(["q-header-list", "host"]);
  });

  it("knows which headers are signed", () => {
    expect(isSignedHeader("X-COS-Meta-A")).toBe(true);
    expect(isSignedHeader("x-ci-process")).toBe(true);
    expect(isSignedHeader("Content-Type")).toBe(true);
    expect(isSignedHeader("user-agent")).toBe(false);
    expect(isSignedHeader("authorization")).toBe(false);
  });

  it("opens the window one second before now", () => {
    expect(signWindow(new Date(1700000000500), 900)).toEqual({ start: 1699999999, end: 1700000899 });
  });

  it("gives the same signatures when secrets and key times alternate (the signing-key cache changes only the cost)", () => {
    const input = { method: "PUT", pathname: "/k", query: [["partNumber", "1"]] as const, headers: { host: "h", "content-md5": "x" } };
    const keys = [
      { secretId: "A", secretKey: "secret-a", start: 100, end: 1000 },
      { secretId: "B", secretKey: "secret-b", start: 100, end: 1000 },
      { secretId: "A", secretKey: "secret-a", start: 101, end: 1001 },
      { secretId: "A", secretKey: "secret-a", start: 100, end: 1000 },
      { secretId: "B", secretKey: "secret-b", start: 102, end: 1002 },
    ];
    for (let round = 0; round < 3; round++) {
      for (const key of keys) {
        const keyTime = `${key.start};${key.end}`;
        const signKey = createHmac("sha1", key.secretKey).update(keyTime).digest("hex");
        const steps = cosSigningSteps(input, key);
        expect(steps.signKey).toBe(signKey);
        expect(steps.signature["q-signature"]).toBe(createHmac("sha1", signKey).update(steps.stringToSign).digest("hex"));
      }
    }
  });
});
