import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { redactedUrl, redactHeaders } from "../src/http/http-debug.js";
import { encodeKeyPath, encodeRfc3986, headerValue, hostHeader, queryString, requestUrl } from "../src/http/http-request.js";
import { httpClientSettings } from "../src/http/http-pairs.js";
import { pausedBodyTimeoutMs } from "../src/http/transport.js";
import { DEFAULT_RETRY_POLICY, parseRetryAfter, resolveRetryPolicy, retryDelay } from "../src/http/retry-policy.js";
import { errorCodeForStatus } from "../src/http/status-error.js";
import { networkError } from "../src/http/network-error.js";
import { buildXml, parseXml, xmlChildren, xmlText } from "../src/http/xml.js";

describe("http request helpers", () => {
  it("encodes like RFC 3986 (also ! ' ( ) *), keeping / in key paths", () => {
    expect(encodeRfc3986("a b+c!'()*~é")).toBe("a%20b%2Bc%21%27%28%29%2A~%C3%A9");
    // The fast paths change nothing: same as encodeURIComponent plus ! ' ( ) *, for any text.
    const reference = (t: string): string => encodeURIComponent(t).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (t) => expect(encodeRfc3986(t)).toBe(reference(t))));
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("a", "Z", "0", "-", ".", "_", "~", "!", "'", "(", ")", "*", " ", "/", "%") }), (t) => expect(encodeRfc3986(t)).toBe(reference(t))));
    expect(encodeKeyPath("dir/a b?#%.txt")).toBe("dir/a%20b%3F%23%25.txt");
  });

  it("renders query strings in order, with valueless flags", () => {
    expect(queryString(undefined)).toBe("");
    expect(queryString([["uploads", undefined], ["prefix", "a/b c"]])).toBe("?uploads&prefix=a%2Fb%20c");
  });

  it("omits default ports from Host and URLs", () => {
    expect(hostHeader({ protocol: "https", host: "h", port: 443 })).toBe("h");
    expect(hostHeader({ protocol: "http", host: "h", port: 8080 })).toBe("h:8080");
    expect(requestUrl({ protocol: "http", host: "[::1]", port: 9000, path: "/k", query: [["a", "1"]] })).toBe("http://[::1]:9000/k?a=1");
  });

  it("reads headers case-insensitively from lower-cased records and joins repeats", () => {
    expect(headerValue({ etag: '"x"' }, "ETag")).toBe('"x"');
    expect(headerValue({ "set-cookie": ["a", "b"] }, "set-cookie")).toBe("a, b");
  });
});

describe("retry policy", () => {
  it("backs off exponentially with full jitter under the cap", () => {
    const p = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay(1, p, undefined, () => 0.999)).toBe(99);
    expect(retryDelay(3, p, undefined, () => 0.5)).toBe(200);
    expect(retryDelay(10, p, undefined, () => 0.999)).toBe(999);
    expect(retryDelay(2, p, undefined, () => 0)).toBe(0);
  });

  it("never waits less than Retry-After, itself capped", () => {
    const p = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay(1, p, 700, () => 0)).toBe(700);
    expect(retryDelay(1, p, 60_000, () => 0)).toBe(1000);
  });

  it("parses Retry-After seconds and dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it("fills and clamps a partial policy", () => {
    expect(resolveRetryPolicy(undefined)).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveRetryPolicy({ maxRetries: 1000, baseDelayMs: -1 })).toEqual({ maxRetries: 100, baseDelayMs: 0, maxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs });
  });

  it("maps http pairs onto client settings", () => {
    expect(httpClientSettings({ maxRetries: 0, retryBaseDelay: 5, retryMaxDelay: 50, requestTimeout: 1000, maxConnections: 8, tlsCa: "-----BEGIN CERTIFICATE-----x" })).toEqual({
      retry: { maxRetries: 0, baseDelayMs: 5, maxDelayMs: 50 },
      agent: { maxSockets: 8, ca: "-----BEGIN CERTIFICATE-----x" },
      timeoutMs: 1000,
      pausedTimeoutMs: 600_000,
    });
    expect(httpClientSettings({})).toEqual({ retry: {}, agent: {} });
    // The paused-body bound (10 × request_timeout) is cut to what a timer waits, not left to overflow.
    expect(httpClientSettings({ requestTimeout: 3_600_000 }).pausedTimeoutMs).toBe(36_000_000);
    expect(httpClientSettings({ requestTimeout: 2_147_483_647 }).pausedTimeoutMs).toBe(2_147_483_647);
    // A client given its timeout directly (not through the pair) gets the same bound.
    expect(pausedBodyTimeoutMs(1_000_000_000)).toBe(2_147_483_647);
  });
});

describe("status and network errors", () => {
  it("maps statuses to codes", () => {
    expect([404, 403, 409, 412, 429, 503, 500, 400, 416, 302].map(errorCodeForStatus)).toEqual([
      "ObjectNotExist",
      "PermissionDenied",
      "Conflict",
      "Conflict",
      "RequestThrottled",
      "RequestThrottled",
      "ServiceInternal",
      "InvalidArgument",
      "InvalidArgument",
      "Unexpected",
    ]);
    // Headers or a URL too large for the service: the request, not the service, is at fault.
    expect([413, 414, 431].map(errorCodeForStatus)).toEqual(["InvalidArgument", "InvalidArgument", "InvalidArgument"]);
  });

  it("makes resets and timeouts retryable, certificate failures not", () => {
    const reset = networkError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    expect(reset.code).toBe("ServiceInternal");
    expect(reset.retryable).toBe(true);
    const cert = networkError(Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }));
    expect(cert.code).toBe("Unexpected");
    expect(cert.retryable).toBe(false);
    expect(cert.message).toContain("tls_ca");
    // A certificate the server refused to accept, or a host-name mismatch, is not cured by tls_ca.
    const altName = networkError(Object.assign(new Error("Hostname/IP does not match"), { code: "ERR_TLS_CERT_ALTNAME_INVALID" }));
    expect([altName.code, altName.retryable, altName.message.includes("tls_ca")]).toEqual(["Unexpected", false, false]);
    // Other TLS alerts keep OpenSSL's text, on one line.
    const alert = networkError(Object.assign(new Error("error:0A000412:SSL routines:\nsslv3 alert bad certificate"), { code: "EPROTO" }));
    expect(alert.message).toContain("sslv3 alert bad certificate");
    expect(alert.message).not.toContain("\n");
    expect(alert.message).not.toContain("tls_ca");
    const dns = networkError(Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }));
    expect(dns.retryable).toBe(false);
  });
});

describe("xml", () => {
  it("parses documents keeping text exact and repeated children as arrays", async () => {
    const doc = await parseXml('<?xml version="1.0"?><R><Key> a b </Key><C><P>x</P></C><C><P>y</P></C><E/></R>');
    expect(doc.root).toBe("R");
    expect(xmlText(doc.value, "Key")).toBe(" a b ");
    expect(xmlChildren(doc.value, "C").map((c) => xmlText(c, "P"))).toEqual(["x", "y"]);
    expect(xmlText(doc.value, "E")).toBe("");
    expect(xmlChildren(doc.value, "Missing")).toEqual([]);
  });

  it("rejects a damaged document with a retryable Unexpected error", async () => {
    await expect(parseXml("<R><Key>")).rejects.toMatchObject({ code: "Unexpected", retryable: true });
  });

  it("builds escaped documents that parse back", async () => {
    const xml = buildXml("Delete", { Quiet: "true", Object: [{ Key: "a&b<c>" }, { Key: "d" }] });
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet><Object><Key>a&amp;b&lt;c&gt;</Key></Object><Object><Key>d</Key></Object></Delete>');
    const doc = await parseXml(xml);
    expect(xmlChildren(doc.value, "Object").map((o) => xmlText(o, "Key"))).toEqual(["a&b<c>", "d"]);
  });
});

describe("debug-log redaction", () => {
  it("hides authorization, tokens and SSE-C keys in headers", () => {
    expect(
      redactHeaders({
        authorization: "q-sign-algorithm=sha1&q-ak=AK&q-signature=abc",
        "x-cos-security-token": "TOKEN",
        "x-cos-server-side-encryption-customer-key": "KEY=",
        "x-cos-copy-source-server-side-encryption-customer-key": "KEY2=",
        "content-type": "text/plain",
      }),
    ).toEqual({
      authorization: "***",
      "x-cos-security-token": "***",
      "x-cos-server-side-encryption-customer-key": "***",
      "x-cos-copy-source-server-side-encryption-customer-key": "***",
      "content-type": "text/plain",
    });
  });

  it("hides the MD5 of SSE-C keys (COS, QingStor, OSS spellings, copy-source ones, any case) and the KMS encryption context", () => {
    const headers = {
      "x-cos-server-side-encryption-customer-algorithm": "AES256",
      "x-cos-server-side-encryption-customer-key-MD5": "MD5A==",
      "x-cos-copy-source-server-side-encryption-customer-key-MD5": "MD5B==",
      "x-qs-encryption-customer-key-md5": "MD5C==",
      "x-qs-copy-source-encryption-customer-key-md5": "MD5D==",
      "x-oss-server-side-encryption-customer-key-md5": "MD5E==",
      "X-Cos-Server-Side-Encryption-Customer-Key-Md5": "MD5F==",
      "x-cos-server-side-encryption-context": "eyJhIjoiYiJ9",
      "x-cos-server-side-encryption": "cos/kms",
    };
    const shown = redactHeaders(headers);
    for (const name of Object.keys(headers).filter((n) => /md5|context/i.test(n))) expect([name, shown[name]]).toEqual([name, "***"]);
    expect(shown["x-cos-server-side-encryption-customer-algorithm"]).toBe("AES256");
    expect(shown["x-cos-server-side-encryption"]).toBe("cos/kms");
  });

  it("hides signatures and tokens in URLs", () => {
    const url = redactedUrl({
      method: "GET",
      protocol: "https",
      host: "b.cos.ap-guangzhou.myqcloud.com",
      path: "/k",
      headers: {},
      query: [["q-ak", "AKID"], ["q-signature", "abcdef"], ["x-cos-security-token", "TOKEN"], ["prefix", "p"]],
    });
    expect(url).not.toContain("abcdef");
    expect(url).not.toContain("TOKEN");
    expect(url).toContain("prefix=p");
  });
});
