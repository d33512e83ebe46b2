import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, ossRequest, type RawRequest, type RawResponse } from "./raw-client.js";

// PUT Object - Copy and CopyObject with the metadata directive, onto another key and onto the object itself.

const COS_BUCKET = "directive-1250000000";
const OSS_BUCKET = "directive-oss";

let cos: Emulator;
let oss: Emulator;

beforeAll(async () => {
  [cos, oss] = await Promise.all([startEmulator({ provider: "cos", buckets: [COS_BUCKET] }), startEmulator({ provider: "oss", buckets: [OSS_BUCKET] })]);
});

afterAll(async () => {
  await Promise.all([cos.stop(), oss.stop()]);
});

interface Flavour {
  name: "cos" | "oss";
  bucket: string;
  send: (r: RawRequest) => Promise<RawResponse>;
  source: (key: string) => string;
  replace: string;
  copy: string;
  ia: string;
  standard: string;
}

const FLAVOURS: Flavour[] = [
  {
    name: "cos",
    bucket: COS_BUCKET,
    send: (r) => cosRequest(cos, r),
    source: (key) => `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/${key}`,
    replace: "Replaced",
    copy: "Copy",
    ia: "STANDARD_IA",
    standard: "STANDARD",
  },
  { name: "oss", bucket: OSS_BUCKET, send: (r) => ossRequest(oss, r), source: (key) => `/${OSS_BUCKET}/${key}`, replace: "REPLACE", copy: "COPY", ia: "IA", standard: "Standard" },
];

/** The source's attributes, as PUT sends them. */
const OLD: Record<string, string> = {
  "content-type": "text/x-old",
  "cache-control": "max-age=1",
  "content-disposition": "inline",
  "content-encoding": "gzip",
  "content-language": "fr",
  expires: "Wed, 21 Oct 2037 07:28:00 GMT",
};

describe.each(FLAVOURS)("$name copy with the metadata directive", (f) => {
  const p = `x-${f.name}`;
  const put = async (key: string): Promise<void> => {
    const res = await f.send({ method: "PUT", bucket: f.bucket, key, headers: { ...OLD, [`${p}-meta-old`]: "1", [`${p}-storage-class`]: f.ia }, body: "the bytes" });
    expect(res.status).toBe(200);
  };
  const head = async (key: string): Promise<RawResponse["headers"]> => (await f.send({ method: "HEAD", bucket: f.bucket, key })).headers;
  const copy = (key: string, from: string, headers: Record<string, string>): Promise<RawResponse> =>
    f.send({ method: "PUT", bucket: f.bucket, key, headers: { [`${p}-copy-source`]: f.source(from), ...headers } });

  it("the replacing directive gives the copy exactly the request's attributes, the copying one the source's", async () => {
    await put("src");
    const replaced = await copy("replaced", "src", { [`${p}-metadata-directive`]: f.replace, "content-type": "text/x-new", "cache-control": "no-store", [`${p}-meta-new`]: "2" });
    expect(replaced.status).toBe(200);
    const h = await head("replaced");
    expect([h["content-type"], h["cache-control"], h[`${p}-meta-new`], h[`${p}-meta-old`]]).toEqual(["text/x-new", "no-store", "2", undefined]);
    for (const name of ["content-disposition", "content-encoding", "content-language", "expires"]) expect([name, h[name]]).toEqual([name, undefined]);
    expect(h[`${p}-storage-class`]).toBe(f.standard);
    await copy("kept", "src", { [`${p}-metadata-directive`]: f.copy, [`${p}-storage-class`]: f.ia });
    const k = await head("kept");
    for (const [name, value] of Object.entries(OLD)) expect([name, k[name]]).toEqual([name, value]);
    expect([k[`${p}-meta-old`], k[`${p}-storage-class`]]).toEqual(["1", f.ia]);
  });

  it("onto the object itself, the replacing directive changes its attributes in place: bytes, ETag and CRC-64 untouched", async () => {
    await put("self");
    const before = await head("self");
    const res = await copy("self", "self", { [`${p}-metadata-directive`]: f.replace, "content-type": "text/x-new", [`${p}-meta-new`]: "2", [`${p}-storage-class`]: f.ia });
    expect(res.status).toBe(200);
    const after = await head("self");
    expect([after["content-type"], after[`${p}-meta-new`], after[`${p}-meta-old`], after["cache-control"]]).toEqual(["text/x-new", "2", undefined, undefined]);
    expect([after.etag, after[`${p}-hash-crc64ecma`], after["content-length"]]).toEqual([before.etag, before[`${p}-hash-crc64ecma`], before["content-length"]]);
    expect((await f.send({ method: "GET", bucket: f.bucket, key: "self" })).body).toBe("the bytes");
  });

  if (f.name === "cos") {
    it("COS refuses a copy onto the object itself with Copy (the directive must be Replaced there): 400, the object unchanged", async () => {
      await put("self-copy");
      const refused = await copy("self-copy", "self-copy", { [`${p}-metadata-directive`]: "Copy", [`${p}-server-side-encryption`]: "AES256" });
      expect([refused.status, errorCode(refused)]).toEqual([400, "InvalidArgument"]);
      const h = await head("self-copy");
      expect([h["content-type"], h[`${p}-meta-old`], h[`${p}-server-side-encryption`]]).toEqual([OLD["content-type"], "1", undefined]);
    });
  } else {
    it("OSS takes the request's metadata onto the object itself whatever the directive: COPY there keeps none of the source's", async () => {
      await put("self-copy");
      const res = await copy("self-copy", "self-copy", { [`${p}-metadata-directive`]: "COPY", [`${p}-meta-new`]: "2", [`${p}-storage-class`]: f.ia });
      expect(res.status).toBe(200);
      const h = await head("self-copy");
      expect([h["content-type"], h[`${p}-meta-new`], h[`${p}-meta-old`], h["cache-control"]]).toEqual(["application/octet-stream", "2", undefined, undefined]);
    });
  }
});
