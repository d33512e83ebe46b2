import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../src/index.js";

// qingstor-sdk ships no types; the tests use a loose view of it.
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const { QingStor, Config } = createRequire(import.meta.url)("qingstor-sdk") as { QingStor: new (cfg: Loose) => Loose; Config: new (opts: Loose) => Loose };

const BUCKET = "qs-meta-test";
const AK = "QSMETAAK";
const SK = "qs-meta-secret";
/** A go-storage virtual link (RFC-79) as Stowage writes it: zero bytes, a link type, the target in user metadata. */
const LINK_TYPE = "application/x-stowage-link";
const TARGET = "wd/dir/a b+c%20d";

let emu: Emulator;
let tmp: string;
let bucket: Loose;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "qs-meta-"));
  process.env.QINGSTOR_CONFIG_PATH = join(tmp, "config.yaml"); // the SDK writes a default config file there
  emu = await startEmulator({ provider: "qingstor", buckets: [BUCKET], credentials: { accessKey: AK, secretKey: SK } });
  const cfg = new Config({ access_key_id: AK, secret_access_key: SK, endpoint: `http://127.0.0.1:${emu.port}`, log_level: "error" });
  cfg.getAxiosConfig = (op: { method: string; path: string; params: Record<string, string> }) =>
    op.method === "GET" && op.path.split("/").length > 2 && op.params.upload_id === undefined ? { responseType: "arraybuffer" } : {};
  bucket = new QingStor(cfg).Bucket(BUCKET);
});

afterAll(async () => {
  await emu.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** PUTs a zero-byte link object (the SDK encodeURI()s header values, so the metadata goes in after the build). */
async function putLink(key: string): Promise<void> {
  const put = bucket.putObjectRequest(key, { "content-type": LINK_TYPE, "content-length": 0 });
  put.operation.headers["x-qs-meta-bs-link-target"] = TARGET;
  expect((await put.send()).status).toBe(201);
}

/** The content type and link metadata HEAD reports for `key`. */
async function head(key: string): Promise<{ type: string; target: string | undefined; length: string }> {
  const h = (await bucket.headObject(key)).headers;
  return { type: h["content-type"], target: h["x-qs-meta-bs-link-target"], length: h["content-length"] };
}

describe("qingstor emulator: user metadata and content type survive", () => {
  it("PUT, HEAD and GET", async () => {
    await putLink("meta/link");
    expect(await head("meta/link")).toEqual({ type: LINK_TYPE, target: TARGET, length: "0" });
    const get = await bucket.getObject("meta/link");
    expect(get.headers["x-qs-meta-bs-link-target"]).toBe(TARGET);
    expect(get.headers["content-type"]).toBe(LINK_TYPE);
    expect(Buffer.from(get.data).length).toBe(0);
  });

  it("ListObjects (as mime_type, the only trace of a link there)", async () => {
    await putLink("list/link");
    await bucket.putObject("list/file", { body: Buffer.from("x"), "content-type": "text/plain" });
    const r = await bucket.listObjects({ prefix: "list/" });
    const types = Object.fromEntries(r.data.keys.map((k: { key: string; mime_type: string }) => [k.key, k.mime_type]));
    expect(types).toEqual({ "list/file": "text/plain", "list/link": LINK_TYPE });
  });

  it("copy (metadata directive COPY, the default) and move", async () => {
    await putLink("cm/link");
    expect((await bucket.putObject("cm/copy", { "x-qs-copy-source": `/${BUCKET}/cm/link` })).status).toBe(201);
    expect(await head("cm/copy")).toEqual({ type: LINK_TYPE, target: TARGET, length: "0" });
    expect((await bucket.putObject("cm/moved", { "x-qs-move-source": `/${BUCKET}/cm/copy` })).status).toBe(201);
    expect(await head("cm/moved")).toEqual({ type: LINK_TYPE, target: TARGET, length: "0" });
    const left = await bucket.listObjects({ prefix: "cm/" });
    expect(left.data.keys.map((k: { key: string }) => k.key).sort()).toEqual(["cm/link", "cm/moved"]);
  });

  it("a PUT over a link replaces its metadata and type", async () => {
    await putLink("over/link");
    await bucket.putObject("over/link", { body: Buffer.from("plain"), "content-type": "text/plain" });
    const h = await head("over/link");
    expect(h).toEqual({ type: "text/plain", target: undefined, length: "5" });
  });
});
