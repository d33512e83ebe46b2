import { beforeAll, describe, expect, it } from "@jest/globals";
import { parseCosCopySource } from "../src/cos/copy-source.js";
import type { Emulator } from "../src/index.js";
import { threeBuckets, useThreeEmulators } from "./three-emulators.js";
import { cosRequest, ossRequest, qsRequest, type RawRequest, type RawResponse } from "./raw-client.js";

// If-Match / If-None-Match and the copy-source conditions compare ETags as the services do, as
// RFC 7232's strong comparison: exactly, quotes and W/ aside. An ETag in another letter case is
// another ETag, so a client that sends one in the wrong case (COS's lower-case hex upper-cased,
// OSS's upper-case lower-cased) fails here as it would on the service.

const { cos: COS_BUCKET, oss: OSS_BUCKET, qs: QS_BUCKET } = threeBuckets("exact");
let cos: Emulator;
let oss: Emulator;
let qs: Emulator;

useThreeEmulators({ cos: COS_BUCKET, oss: OSS_BUCKET, qs: QS_BUCKET }, (e) => ({ cos, oss, qs } = e));

interface Flavour {
  name: string;
  send: (r: Omit<RawRequest, "bucket">) => Promise<RawResponse>;
  /** Header prefix of the copy-source headers. */
  prefix: string;
  /** The copy source header's value naming `key` of the flavour's bucket. */
  source: (key: string) => string;
  /** Status of a successful PUT (QingStor: 201). */
  created: number;
}

const FLAVOURS: Flavour[] = [
  { name: "cos", send: (r) => cosRequest(cos, { ...r, bucket: COS_BUCKET }), prefix: "x-cos", source: (key) => `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/${key}`, created: 200 },
  { name: "oss", send: (r) => ossRequest(oss, { ...r, bucket: OSS_BUCKET }), prefix: "x-oss", source: (key) => `/${OSS_BUCKET}/${key}`, created: 200 },
  { name: "qingstor", send: (r) => qsRequest(qs, { ...r, bucket: QS_BUCKET }), prefix: "x-qs", source: (key) => `/${QS_BUCKET}/${key}`, created: 201 },
];

/** `etag` with the case of each letter swapped (COS `"ab12"` → `"AB12"`, OSS the other way). */
const otherCase = (etag: string): string => [...etag].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");

describe.each(FLAVOURS)("$name emulator: ETag conditions compare exactly", (f) => {
  let etag: string;
  beforeAll(async () => {
    expect((await f.send({ method: "PUT", key: "obj", body: "some bytes to tag" })).status).toBe(f.created);
    etag = (await f.send({ method: "HEAD", key: "obj" })).headers["etag"] as string;
    expect(etag).toMatch(/^"[0-9a-fA-F-]*[a-fA-F][0-9a-fA-F-]*"$/);
  });

  it("If-Match: the ETag as printed (quoted, unquoted, W/) holds; in the other letter case it is 412", async () => {
    for (const given of [etag, etag.replace(/"/g, ""), `W/${etag}`, `"other", ${etag}`]) {
      expect([given, (await f.send({ method: "HEAD", key: "obj", headers: { "if-match": given } })).status]).toEqual([given, 200]);
    }
    expect((await f.send({ method: "HEAD", key: "obj", headers: { "if-match": otherCase(etag) } })).status).toBe(412);
    expect((await f.send({ method: "GET", key: "obj", headers: { "if-match": otherCase(etag) } })).status).toBe(412);
  });

  it("If-None-Match: the ETag as printed is 304; in the other letter case the object is served", async () => {
    expect((await f.send({ method: "GET", key: "obj", headers: { "if-none-match": etag } })).status).toBe(304);
    const other = await f.send({ method: "GET", key: "obj", headers: { "if-none-match": otherCase(etag) } });
    expect([other.status, other.body]).toEqual([200, "some bytes to tag"]);
  });

  it("a copy pinned with -copy-source-if-match copies with the ETag as printed, and is 412 with it in the other letter case", async () => {
    const pin = `${f.prefix}-copy-source-if-match`;
    const wrong = await f.send({ method: "PUT", key: "copy-wrong", headers: { [`${f.prefix}-copy-source`]: f.source("obj"), [pin]: otherCase(etag) } });
    expect(wrong.status).toBe(412);
    expect((await f.send({ method: "HEAD", key: "copy-wrong" })).status).toBe(404);
    const right = await f.send({ method: "PUT", key: "copy-right", headers: { [`${f.prefix}-copy-source`]: f.source("obj"), [pin]: etag } });
    expect(right.status).toBe(f.created);
    expect((await f.send({ method: "GET", key: "copy-right" })).body).toBe("some bytes to tag");
  });
});

describe("cos emulator: a copy source on a virtual host with a port", () => {
  it("parses the bucket from the host, port or not, and the whole key after it", () => {
    const host = `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com`;
    expect(parseCosCopySource(`${host}:9000/dir/x.txt`)).toEqual({ bucket: COS_BUCKET, key: "dir/x.txt" });
    expect(parseCosCopySource(`${host}:9000/plain.txt`)).toEqual({ bucket: COS_BUCKET, key: "plain.txt" });
    expect(parseCosCopySource(`${host}/dir/x.txt`)).toEqual({ bucket: COS_BUCKET, key: "dir/x.txt" });
    expect(parseCosCopySource(`127.0.0.1:9000/${COS_BUCKET}/dir/x.txt`)).toEqual({ bucket: COS_BUCKET, key: "dir/x.txt" });
  });

  it("copies the object the source names, not one of a bucket named by the key's first segment", async () => {
    const send = (r: Omit<RawRequest, "bucket">): Promise<RawResponse> => cosRequest(cos, { ...r, bucket: COS_BUCKET });
    const source = (key: string): string => `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com:${cos.port}/${key}`;
    expect((await send({ method: "PUT", key: "plain.txt", body: "plain" })).status).toBe(200);
    expect((await send({ method: "PUT", key: "dir/x.txt", body: "nested" })).status).toBe(200);
    for (const [key, body] of [
      ["plain.txt", "plain"],
      ["dir/x.txt", "nested"],
    ]) {
      const copy = await send({ method: "PUT", key: `copy-of/${key}`, headers: { "x-cos-copy-source": source(key!) } });
      expect([key, copy.status]).toEqual([key, 200]);
      expect((await send({ method: "GET", key: `copy-of/${key}` })).body).toBe(body);
    }
  });
});
