/**
 * The per-request signing path keeps what it signs while it does less work (issue 4): header
 * names COS signs are remembered per name (their encoded, lower-cased form, or that they are not
 * signed), `CosClient` signs with the key window as plain fields and removes a stale
 * `x-cos-security-token` only where there is one, and `putObject` builds its headers in one record.
 * These specs hold the results to a plain re-statement of `protocols.md` §1.1 and to what the
 * request builders gave before.
 */
import { describe, expect, it } from "@jest/globals";
import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { parseEndpoint, type HttpRequest } from "@stowage/core";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import { staticCredentials } from "../src/credentials.js";
import { putObject } from "../src/requests.js";
import { cosAuthorization, type CosSignInput, type CosSignKey } from "../src/signer.js";

const SIGNED = new Set([
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-length",
  "content-md5",
  "content-type",
  "expect",
  "expires",
  "host",
  "if-match",
  "if-modified-since",
  "if-none-match",
  "if-unmodified-since",
  "origin",
  "range",
  "transfer-encoding",
]);

const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** protocols.md §1.1, written out with nothing remembered between calls. */
function reference(input: CosSignInput, key: CosSignKey): string {
  const canonical = (pairs: Array<[string, string]>): { text: string; list: string } => {
    const sorted = pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    return { text: sorted.map(([k, v]) => `${k}=${v}`).join("&"), list: sorted.map(([k]) => k).join(";") };
  };
  const params = canonical(input.query.map(([k, v]) => [rfc3986(k).toLowerCase(), rfc3986(v ?? "")]));
  const signedHeader = (name: string): boolean => {
    const n = name.toLowerCase();
    return SIGNED.has(n) || n.startsWith("x-cos-") || n.startsWith("x-ci-");
  };
  const headers = canonical(
    Object.entries(input.headers)
      .filter(([k, v]) => v !== "" && signedHeader(k))
      .map(([k, v]) => [rfc3986(k).toLowerCase(), rfc3986(v)]),
  );
  const keyTime = `${key.start};${key.end}`;
  const signKey = createHmac("sha1", key.secretKey).update(keyTime).digest("hex");
  const httpString = `${input.method.toLowerCase()}\n${input.pathname}\n${params.text}\n${headers.text}\n`;
  const stringToSign = `sha1\n${keyTime}\n${createHash("sha1").update(httpString).digest("hex")}\n`;
  const signature = createHmac("sha1", signKey).update(stringToSign).digest("hex");
  return `q-sign-algorithm=sha1&q-ak=${key.secretId}&q-sign-time=${keyTime}&q-key-time=${keyTime}&q-header-list=${headers.list}&q-url-param-list=${params.list}&q-signature=${signature}`;
}

const KEY: CosSignKey = { secretId: "AKIDhot", secretKey: "hot-secret", start: 1700000000, end: 1700000900 };

/** Header names: signed and unsigned, in several cases, so one name is seen both ways. */
const NAMES = ["Host", "host", "HOST", "Content-MD5", "content-md5", "Content-Length", "Range", "X-Cos-Meta-Colour", "x-cos-meta-colour", "X-CI-Thing", "x-ci-thing", "User-Agent", "accept", "Connection", "x-amz-date", "X-Cos-Meta-a b"];
/** Text a URL can carry (no lone surrogates), empty included. */
const text = fc.string({ unit: "grapheme", maxLength: 12 });

describe("COS signing on the per-request path", () => {
  it("signs every header record as protocols.md §1.1 does, whatever names were seen before", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/)), text, { maxKeys: 8 }),
        fc.array(fc.tuple(text, fc.option(text, { nil: undefined })), { maxLength: 3 }),
        (headers, query) => {
          const input: CosSignInput = { method: "PUT", pathname: "/dir/a b.txt", query, headers };
          expect(cosAuthorization(input, KEY)).toBe(reference(input, KEY));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("signs with HMAC-SHA1 as createHmac computes it, for any secret and key time (UTF-8 text included)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 }), fc.string({ unit: "grapheme", maxLength: 8 }), (secretKey, extra) => {
        // A JavaScript caller may put any text in the window; it is signed as UTF-8 either way.
        const key = { secretId: "AK", secretKey, start: 1700000000, end: `${1700000900}${extra}` as unknown as number };
        const input: CosSignInput = { method: "GET", pathname: "/é/k", query: [], headers: { host: "h" } };
        expect(cosAuthorization(input, key)).toBe(reference(input, key));
      }),
      { numRuns: 200 },
    );
  });

  it("stays right past the most header names it remembers (the memory is emptied, not trusted)", () => {
    for (let i = 0; i < 700; i++) {
      const headers = { [`x-cos-meta-n${i}`]: `v${i}`, [`X-Other-${i}`]: "not signed", host: "h" };
      const input: CosSignInput = { method: "GET", pathname: "/k", query: [], headers };
      expect(cosAuthorization(input, KEY)).toBe(reference(input, KEY));
    }
  });

  it("refuses a signed header name with a lone surrogate every time (nothing remembered for it)", () => {
    const input: CosSignInput = { method: "GET", pathname: "/k", query: [], headers: { "x-cos-meta-\ud800": "v" } };
    for (let i = 0; i < 2; i++) expect(() => cosAuthorization(input, KEY)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    // Unsigned, it is not looked at; empty, it is skipped before its name is.
    expect(cosAuthorization({ ...input, headers: { "x-other-\ud800": "v" } }, KEY)).toBe(reference({ ...input, headers: {} }, KEY));
    expect(cosAuthorization({ ...input, headers: { "x-cos-meta-\ud800": "" } }, KEY)).toBe(reference({ ...input, headers: {} }, KEY));
  });
});

describe("CosClient.sign", () => {
  const address = bucketAddress("hot-1250000000", "ap-guangzhou", { endpoint: parseEndpoint("http:127.0.0.1:9") });
  const signOf = (client: CosClient): ((request: HttpRequest, now: Date) => Promise<void>) => client.http.options.sign! as (request: HttpRequest, now: Date) => Promise<void>;
  const request = (client: CosClient, headers: Record<string, string>): HttpRequest =>
    client.toRequest({ operation: "put_object", method: "PUT", key: "dir/k", query: [], headers, body: Buffer.from("x") });

  it("signs host, the call's headers and a 900-second window from the clock it is given", async () => {
    const client = new CosClient(address, staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined));
    const r = request(client, { "content-length": "1", "content-md5": "x", "x-cos-meta-a": "b" });
    await signOf(client)(r, new Date(1_700_000_000_500));
    expect(r.headers).not.toHaveProperty("x-cos-security-token");
    const { authorization, ...signed } = r.headers;
    expect(signed).toEqual({ "content-length": "1", "content-md5": "x", "x-cos-meta-a": "b", host: "127.0.0.1:9" });
    const key = { secretId: "AK", secretKey: "SK", start: 1_699_999_999, end: 1_699_999_999 + 900 };
    expect(authorization).toBe(reference({ method: "PUT", pathname: r.resource!, query: [], headers: signed }, key));
  });

  it("removes a security token the request carried when the credentials have none, and adds theirs", async () => {
    const plain = new CosClient(address, staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined));
    const r = request(plain, { "x-cos-security-token": "stale" });
    await signOf(plain)(r, new Date(1_700_000_000_000));
    expect(r.headers).not.toHaveProperty("x-cos-security-token");
    expect(r.headers["authorization"]).toContain("q-header-list=host&");

    const temporary = new CosClient(address, staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, "TOKEN"));
    const t = request(temporary, {});
    await signOf(temporary)(t, new Date(1_700_000_000_000));
    expect(t.headers["x-cos-security-token"]).toBe("TOKEN");
    expect(t.headers["authorization"]).toContain("q-header-list=host;x-cos-security-token&");
  });
});

describe("putObject headers", () => {
  const body = (contentMd5?: string) => ({ data: Buffer.from("abc"), size: 3, ...(contentMd5 === undefined ? {} : { contentMd5 }) });

  it("are the object's headers, then the overwrite guard, then the body's, in that order", () => {
    const call = putObject(
      "k",
      body("md5=="),
      { contentType: "text/plain", storageClass: "ARCHIVE", metadata: { a: "1" }, cacheControl: "no-cache", ifNotExists: true, serverSideEncryption: "AES256" },
      true,
    );
    expect(Object.entries(call.headers)).toEqual([
      ["cache-control", "no-cache"],
      ["x-cos-meta-a", "1"],
      ["x-cos-server-side-encryption", "AES256"],
      ["content-type", "text/plain"],
      ["x-cos-storage-class", "ARCHIVE"],
      ["x-cos-forbid-overwrite", "true"],
      ["content-length", "3"],
      ["content-md5", "md5=="],
    ]);
    expect(call).toMatchObject({ operation: "put_object", method: "PUT", key: "k", query: [] });
  });

  it("carry only the length without options or an MD5, and no overwrite guard unless asked", () => {
    expect(putObject("k", body(), {}, false).headers).toEqual({ "content-length": "3" });
    expect(putObject("k", body(), { ifNotExists: false }, false).headers).toEqual({ "content-length": "3" });
  });
});
