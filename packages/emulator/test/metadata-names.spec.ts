import { describe, expect, it } from "@jest/globals";
import type { Emulator } from "../src/index.js";
import { threeBuckets, useThreeEmulators } from "./three-emulators.js";
import { cosRequest, errorCode, ossEc, ossRequest, qsRequest, type RawRequest, type RawResponse } from "./raw-client.js";

// COS and OSS take only letters, digits and "-" in a user metadata name (COS's PUT Object and
// Initiate Multipart Upload pages; OSS help page 0011-00000004): the emulator refuses another on
// every request that stores metadata, so a client tested against it finds out offline. QingStor
// documents no such rule (protocols.md): it keeps any name a header carries.

const { cos: COS_BUCKET, oss: OSS_BUCKET, qs: QS_BUCKET } = threeBuckets("names");
let cos: Emulator;
let oss: Emulator;
let qs: Emulator;

useThreeEmulators({ cos: COS_BUCKET, oss: OSS_BUCKET, qs: QS_BUCKET }, (e) => ({ cos, oss, qs } = e));

interface Flavour {
  name: "cos" | "oss";
  send: (r: Omit<RawRequest, "bucket">) => Promise<RawResponse>;
  /** The copy source header's value naming `key` of the flavour's bucket. */
  source: (key: string) => string;
  replace: string;
  /** The EC an OSS refusal carries (none on COS). */
  ec: string | undefined;
  /**
   * Names to refuse. COS: those whose signed form is the name itself (the raw client lists header
   * names unencoded in `q-header-list`, so `x+y` would fail its signature first).
   */
  refused: string[];
}

const FLAVOURS: Flavour[] = [
  {
    name: "cos",
    send: (r) => cosRequest(cos, { ...r, bucket: COS_BUCKET }),
    source: (key) => `${COS_BUCKET}.cos.ap-guangzhou.myqcloud.com/${key}`,
    replace: "Replaced",
    ec: undefined,
    refused: ["file_type", "a.b", "t~"],
  },
  {
    name: "oss",
    send: (r) => ossRequest(oss, { ...r, bucket: OSS_BUCKET }),
    source: (key) => `/${OSS_BUCKET}/${key}`,
    replace: "REPLACE",
    ec: "0011-00000004",
    refused: ["file_type", "a.b", "t~", "x+y", "q'q"],
  },
];

describe.each(FLAVOURS)("$name emulator: user metadata names", (f) => {
  const p = `x-${f.name}`;
  const refused = (r: RawResponse): void => {
    expect([r.status, errorCode(r)]).toEqual([400, "InvalidArgument"]);
    expect(r.body).toContain(`${p}-meta-`);
    if (f.ec !== undefined) expect([ossEc(r), r.headers["x-oss-ec"]]).toEqual([f.ec, f.ec]);
  };

  it("stores names of letters, digits and -", async () => {
    expect((await f.send({ method: "PUT", key: "ok", headers: { [`${p}-meta-file-type-2`]: "v" }, body: "b" })).status).toBe(200);
    expect((await f.send({ method: "HEAD", key: "ok" })).headers[`${p}-meta-file-type-2`]).toBe("v");
  });

  /** Sends each request that stores metadata with `name`, expecting the refusal and nothing stored. */
  const refusedEverywhere = async (name: string): Promise<void> => {
    const meta = { [`${p}-meta-${name}`]: "v" };
    refused(await f.send({ method: "PUT", key: "put", headers: meta, body: "b" }));
    expect((await f.send({ method: "HEAD", key: "put" })).status).toBe(404);
    refused(await f.send({ method: "POST", key: "mp", query: [["uploads", undefined]], headers: meta }));
    const uploads = await f.send({ method: "GET", key: "", query: [["uploads", undefined]] });
    expect([uploads.status, uploads.body]).toEqual([200, expect.stringContaining("<ListMultipartUploadsResult")]);
    expect(uploads.body).not.toContain("<Key>mp</Key>");
    refused(await f.send({ method: "POST", key: "app", query: [["append", undefined], ["position", "0"]], headers: meta, body: "b" }));
    expect((await f.send({ method: "HEAD", key: "app" })).status).toBe(404);
    refused(await f.send({ method: "PUT", key: "copy", headers: { ...meta, [`${p}-copy-source`]: f.source("src"), [`${p}-metadata-directive`]: f.replace } }));
    expect((await f.send({ method: "HEAD", key: "copy" })).status).toBe(404);
  };

  it("refuses other names on PUT, Initiate, Append and a copy that replaces metadata, and stores nothing", async () => {
    expect((await f.send({ method: "PUT", key: "src", body: "source" })).status).toBe(200);
    for (const name of f.refused) await refusedEverywhere(name);
  });
});

describe("qingstor emulator: user metadata names", () => {
  it("keeps a name with an underscore (QingStor documents no rule of letters, digits and -)", async () => {
    expect((await qsRequest(qs, { method: "PUT", bucket: QS_BUCKET, key: "u", headers: { "x-qs-meta-file_type": "v" }, body: "b" })).status).toBe(201);
    expect((await qsRequest(qs, { method: "HEAD", bucket: QS_BUCKET, key: "u" })).headers["x-qs-meta-file_type"]).toBe("v");
  });
});
