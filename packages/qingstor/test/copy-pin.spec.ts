import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint, type BufferedResponse, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { crc64OfEtag } from "../src/etag.js";
import { qingstorService } from "../src/index.js";
import { multipartCopy } from "../src/multipart.js";
import type { QsCall } from "../src/requests.js";
import { QingStorStorageDriver } from "../src/storager.js";

// A copy is pinned to the source version its HEAD saw (x-qs-copy-source-if-match on the copy and on
// every range of a multipart copy, and a HEAD of the source before Complete): a source overwritten
// during the copy fails it with Conflict, and no object spliced from two versions is stored.

const BUCKET = "copy-pin";
const MiB = 1024 * 1024;
const CREDS = { accessKeyId: "stowage-ak", secretAccessKey: "stowage-sk" };
let emulator: Emulator;

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});
afterEach(() => {
  beforeSend = undefined;
});

/** Runs before a call of the tuned storager is sent (the test overwrites the source there). */
let beforeSend: ((call: QsCall) => Promise<void>) | undefined;

/** A client that lets {@link beforeSend} act before each call goes out. */
class HookedClient extends QingStorClient {
  override async sendBuffered(call: QsCall, options?: Parameters<QingStorClient["sendBuffered"]>[1]): Promise<BufferedResponse> {
    await beforeSend?.(call);
    return super.sendBuffered(call, options);
  }
}

/** A storager whose copies above `copyThreshold` go in parts of `copyPartSize`; `plain` shares its work_dir without the hook. */
function tuned(copyThreshold: number, copyPartSize: number): { s: Storager; plain: Storager } {
  const config = { name: BUCKET, workDir: `/${randomUUID()}/` };
  const open = (client: QingStorClient): Storager =>
    createStorager(new QingStorStorageDriver(client, BUCKET, "pek3a", true, { copyThreshold, copyPartSize }), { definition: qingstorService, config, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
  const address = zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${emulator.port}`));
  return { s: open(new HookedClient(address, BUCKET, CREDS)), plain: open(new QingStorClient(address, BUCKET, CREDS)) };
}

/** A hook that runs `act` once, before the first call that `when` picks. */
function once(when: (call: QsCall) => boolean, act: () => Promise<unknown>): (call: QsCall) => Promise<void> {
  let done = false;
  return async (call) => {
    if (done || !when(call)) return;
    done = true;
    await act();
  };
}

const partNumber = (call: QsCall): string | undefined => call.query.find(([k]) => k === "part_number")?.[1];

async function uploadsLeft(s: Storager): Promise<number> {
  return (await s.listPage("", { mode: "part", limit: 100 })).items.length;
}

describe("qingstor copy: the source version is pinned", () => {
  it("a multipart copy whose source is overwritten between ranges fails with Conflict; nothing is stored, the upload is aborted", async () => {
    const { s, plain } = tuned(MiB, 4 * MiB);
    const v1 = randomBytes(12 * MiB);
    const v2 = randomBytes(12 * MiB);
    await s.write("src", v1);
    // The source is replaced (same size) before the third range is sent.
    beforeSend = once((c) => c.operation === "upload_multipart_copy" && partNumber(c) === "2", () => plain.write("src", v2));
    const error = await s.copy("src", "dst").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "Conflict", retryable: false });
    expect(String((error as Error).message)).toMatch(/the copy source changed after it was looked at/);
    await expect(s.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect(await uploadsLeft(s)).toBe(0);
    // Without the race the same copy goes through.
    await s.copy("src", "dst");
    expect(sha(await s.read("dst"))).toBe(sha(v2));
    await s.deleteMany(["src", "dst"]);
  });

  it("a single copy whose source changes between its HEAD and the copy fails with Conflict and copies nothing", async () => {
    const { s, plain } = tuned(5 * 1024 * MiB, 512 * MiB);
    await s.write("one", "version 1");
    beforeSend = once((c) => c.operation === "copy_object", () => plain.write("one", "version 2 (longer)"));
    await expect(s.copy("one", "one-copy")).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    await expect(s.stat("one-copy")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await s.delete("one");
  });

  it("a multipart copy of a source with a Stowage CRC ETag gives the copy a CRC ETag with the same CRC-64", async () => {
    const { s } = tuned(MiB, 4 * MiB);
    const data = randomBytes(9 * MiB + 3);
    const written = await s.write("crc-src", data, { multipartThreshold: 4 * MiB, partSize: 4 * MiB } as object);
    expect(crc64OfEtag(written.etag)).toBe(written.crc64);
    await s.copy("crc-src", "crc-dst");
    const copy = await s.stat("crc-dst");
    expect(copy.crc64).toBe(written.crc64);
    expect(copy.etag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(sha(await s.read("crc-dst"))).toBe(sha(data));
    await s.deleteMany(["crc-src", "crc-dst"]);
  });
});

/** A client that answers every call with success (HEAD with `headEtag`) and records it; nothing is sent. */
function scriptedClient(headEtag: string): { client: QingStorClient; calls: QsCall[] } {
  const calls: QsCall[] = [];
  const client = {
    bucket: "bkt",
    secure: true,
    async sendBuffered(call: QsCall): Promise<BufferedResponse> {
      calls.push(call);
      const body = call.operation === "initiate_multipart_upload" ? Buffer.from('{"upload_id":"U"}') : Buffer.alloc(0);
      const headers = call.operation === "head_object" ? { etag: headEtag, "content-length": "0" } : {};
      const etag = call.operation === "head_object" ? headEtag : '"0123456789abcdef0123456789abcdef"';
      return { status: call.operation === "head_object" ? 200 : 201, body, requestId: "r", attempts: 1, headers, header: (n: string) => (n === "etag" ? etag : undefined) } as unknown as BufferedResponse;
    },
  };
  return { client: client as unknown as QingStorClient, calls };
}

describe("qingstor multipart copy requests", () => {
  const source = { key: "src", mode: "file" as const, size: 9 * MiB, etag: '"AbC0123456789abcdef0123456789abc"' };

  it("every range carries x-qs-copy-source-if-match with the source's ETag as HEAD gave it; the source is looked at again before Complete", async () => {
    const { client, calls } = scriptedClient(source.etag);
    await multipartCopy(client, "src", "dst", source, {}, true, 4 * MiB);
    const ranges = calls.filter((c) => c.operation === "upload_multipart_copy");
    expect(ranges).toHaveLength(3);
    for (const r of ranges) expect(r.headers["x-qs-copy-source-if-match"]).toBe(source.etag);
    expect(calls.map((c) => c.operation).slice(-2)).toEqual(["head_object", "complete_multipart_upload"]);
    expect(calls.at(-2)!.key).toBe("src");
  });

  it("a service that ignored the condition: a source whose ETag changed during the ranges is Conflict, the upload aborted, nothing completed", async () => {
    const { client, calls } = scriptedClient('"ffffffffffffffffffffffffffffffff"');
    await expect(multipartCopy(client, "src", "dst", source, {}, true, 4 * MiB)).rejects.toMatchObject({ code: "Conflict", retryable: false });
    const ops = calls.map((c) => c.operation);
    expect(ops).not.toContain("complete_multipart_upload");
    expect(ops.at(-1)).toBe("abort_multipart_upload");
  });
});
