import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, ossEc, ossRequest, type RawRequest, type RawResponse } from "./raw-client.js";

type Send = (emu: Emulator, r: RawRequest) => Promise<RawResponse>;

/**
 * Per provider: its storage-class header, the classes it documents, the archive ones (a GET or copy
 * of such an object is 403 InvalidObjectState until restored), and spellings it does not take.
 */
const FLAVOURS: ReadonlyArray<{
  provider: "cos" | "oss";
  bucket: string;
  send: Send;
  prefix: "x-cos" | "x-oss";
  known: readonly string[];
  archive: readonly string[];
  unknown: readonly string[];
  badClassCode: string;
}> = [
  {
    provider: "cos",
    bucket: "classes-1250000000",
    send: cosRequest,
    prefix: "x-cos",
    known: ["STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "MAZ_STANDARD", "MAZ_STANDARD_IA", "MAZ_INTELLIGENT_TIERING", "ARCHIVE", "DEEP_ARCHIVE"],
    archive: ["ARCHIVE", "DEEP_ARCHIVE"],
    unknown: ["bogus", "GLACIER", "standard", "IA", "Archive"],
    badClassCode: "InvalidStorageClass",
  },
  {
    provider: "oss",
    bucket: "classes-oss",
    send: ossRequest,
    prefix: "x-oss",
    known: ["Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"],
    archive: ["Archive", "ColdArchive", "DeepColdArchive"],
    unknown: ["bogus", "GLACIER", "STANDARD", "standard", "STANDARD_IA", "ARCHIVE"],
    badClassCode: "InvalidArgument",
  },
];

describe.each(FLAVOURS)("$provider storage classes", ({ provider, bucket, send, prefix, known, archive, unknown, badClassCode }) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ provider, buckets: [bucket] });
  });
  afterAll(async () => {
    await emu.stop();
  });

  const classHeader = `${prefix}-storage-class`;
  const put = (key: string, data: string, cls?: string): Promise<RawResponse> =>
    send(emu, { method: "PUT", bucket, key, body: data, headers: cls === undefined ? {} : { [classHeader]: cls } });
  const req = (r: Omit<RawRequest, "bucket">): Promise<RawResponse> => send(emu, { ...r, bucket });
  const copySource = (key: string): Record<string, string> => ({ [`${prefix}-copy-source`]: `/${bucket}/${key}` });
  const initiate = async (key: string, headers: Record<string, string> = {}): Promise<{ res: RawResponse; id: string | undefined }> => {
    const res = await req({ method: "POST", key, query: [["uploads", undefined]], headers });
    return { res, id: /<UploadId>([^<]+)<\/UploadId>/.exec(res.body)?.[1] };
  };
  /** The refusal of a class: 400 with the provider's code (OSS: the EC of help page 0017-00000132). */
  const expectBadClass = (r: RawResponse): void => {
    expect([r.status, errorCode(r)]).toEqual([400, badClassCode]);
    if (provider === "oss") expect(ossEc(r)).toBe("0017-00000132");
  };
  /** The refusal of an archived object: 403 InvalidObjectState (OSS: EC 0016-00000404). */
  const expectFrozen = (r: RawResponse): void => {
    expect([r.status, errorCode(r)]).toEqual([403, "InvalidObjectState"]);
    if (provider === "oss") expect(ossEc(r)).toBe("0016-00000404");
  };

  it("stores every documented class, spelled as documented, and reports it on HEAD", async () => {
    for (const cls of known) {
      expect((await put(`known/${cls}`, "x", cls)).status).toBe(200);
      const head = await req({ method: "HEAD", key: `known/${cls}` });
      expect([head.status, head.headers[classHeader]]).toEqual([200, cls]);
    }
  });

  it("refuses other classes and spellings on PUT, copy, Initiate and append, storing nothing", async () => {
    await put("src", "source bytes");
    for (const cls of unknown) {
      expectBadClass(await put(`bad/${cls}`, "x", cls));
      expect((await req({ method: "HEAD", key: `bad/${cls}` })).status).toBe(404);
      expectBadClass(await req({ method: "PUT", key: `bad-copy/${cls}`, headers: { ...copySource("src"), [classHeader]: cls } }));
      expect((await req({ method: "HEAD", key: `bad-copy/${cls}` })).status).toBe(404);
      expectBadClass((await initiate(`bad-mp/${cls}`, { [classHeader]: cls })).res);
      expectBadClass(await req({ method: "POST", key: `bad-append/${cls}`, query: [["append", undefined], ["position", "0"]], body: "x", headers: { [classHeader]: cls } }));
      expect((await req({ method: "HEAD", key: `bad-append/${cls}` })).status).toBe(404);
    }
  });

  it("an archived object answers HEAD but refuses GET, a ranged GET, a copy and a part copy with 403 InvalidObjectState", async () => {
    for (const cls of archive) {
      const key = `frozen/${cls}`;
      expect((await put(key, "frozen bytes", cls)).status).toBe(200);
      const head = await req({ method: "HEAD", key });
      expect([head.status, head.headers[classHeader], head.headers["content-length"]]).toEqual([200, cls, "12"]);
      expectFrozen(await req({ method: "GET", key }));
      expectFrozen(await req({ method: "GET", key, headers: { range: "bytes=0-3" } }));
      expectFrozen(await req({ method: "PUT", key: `copy-of/${cls}`, headers: copySource(key) }));
      expect((await req({ method: "HEAD", key: `copy-of/${cls}` })).status).toBe(404);
      // Onto itself into a readable class (what restoring lets one do): refused too while frozen.
      const inPlace = await req({ method: "PUT", key, headers: { ...copySource(key), [classHeader]: known[0]!, [`${prefix}-metadata-directive`]: provider === "cos" ? "Replaced" : "REPLACE" } });
      expectFrozen(inPlace);
      expect((await req({ method: "HEAD", key })).headers[classHeader]).toBe(cls);
      const { id } = await initiate(`part-copy-of/${cls}`);
      expectFrozen(await req({ method: "PUT", key: `part-copy-of/${cls}`, query: [["partNumber", "1"], ["uploadId", id!]], headers: copySource(key) }));
    }
  });

  it("objects of the other classes are read and copied as before", async () => {
    for (const cls of known.filter((c) => !archive.includes(c))) {
      const key = `warm/${cls}`;
      await put(key, "warm bytes", cls);
      const got = await req({ method: "GET", key });
      expect([got.status, got.body]).toEqual([200, "warm bytes"]);
      expect((await req({ method: "PUT", key: `warm-copy/${cls}`, headers: copySource(key) })).status).toBe(200);
    }
  });
});
