/**
 * OSS ListObjects (V1) and ListObjectsV2 list an archived object's restore as `<RestoreInfo>`, in
 * the words of its `x-oss-restore` header (OSS's ListObjectsV2 page: after `StorageClass`), from the
 * restore request until the restored copy expires; objects never restored carry none.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { parseStringPromise } from "xml2js";
import { startEmulator, type Emulator } from "../src/index.js";
import { ossRequest, type RawRequest, type RawResponse } from "./raw-client.js";

const BUCKET = "list-restore";
const DELAY = 60_000;
const DAY = 24 * 3600 * 1000;
let offset = 0;
let emu: Emulator;

const req = (r: Omit<RawRequest, "bucket">): Promise<RawResponse> => ossRequest(emu, { ...r, bucket: BUCKET });

/** Each listed key's `<RestoreInfo>` (undefined without one), from a V2 or a V1 listing. */
async function restoreInfos(query: [string, string | undefined][], headers: Record<string, string> = {}): Promise<Record<string, string | undefined>> {
  const r = await req({ method: "GET", query, headers });
  expect(r.status).toBe(200);
  const doc = (await parseStringPromise(r.body)) as { ListBucketResult: { Contents?: Array<{ Key: string[]; RestoreInfo?: string[] }> } };
  return Object.fromEntries((doc.ListBucketResult.Contents ?? []).map((c) => [c.Key[0]!, c.RestoreInfo?.[0]]));
}

const LISTINGS: ReadonlyArray<[string, [string, string | undefined][]]> = [
  ["V2", [["list-type", "2"]]],
  ["V2 with fetch-owner", [["list-type", "2"], ["fetch-owner", "true"]]],
  ["V1", []],
];

beforeAll(async () => {
  emu = await startEmulator({ provider: "oss", buckets: [BUCKET], clock: () => Date.now() + offset, restoreDelayMs: DELAY });
  for (const [key, cls] of [["arch", "Archive"], ["cold", "ColdArchive"], ["warm", "Standard"]] as const) {
    expect((await req({ method: "PUT", key, body: "bytes", headers: { "x-oss-storage-class": cls } })).status).toBe(200);
  }
});
afterAll(async () => {
  offset = 0;
  await emu.stop();
});

describe("OSS listings: <RestoreInfo>", () => {
  it("none before a restore; ongoing while under way; then the header's expiry-date; none once the copy expired", async () => {
    offset = 0;
    for (const [, query] of LISTINGS) expect(await restoreInfos(query)).toEqual({ arch: undefined, cold: undefined, warm: undefined });

    expect((await req({ method: "POST", key: "arch", query: [["restore", undefined]] })).status).toBe(202);
    for (const [name, query] of LISTINGS) {
      expect([name, await restoreInfos(query)]).toEqual([name, { arch: 'ongoing-request="true"', cold: undefined, warm: undefined }]);
    }
    // Where OSS's page puts it: right after StorageClass (before Owner when the owner is listed).
    const raw = await req({ method: "GET", query: [["list-type", "2"], ["fetch-owner", "true"]] });
    expect(raw.body).toMatch(/<StorageClass>Archive<\/StorageClass><RestoreInfo>[^<]+<\/RestoreInfo><Owner>/);

    offset = DELAY;
    const header = (await req({ method: "HEAD", key: "arch" })).headers["x-oss-restore"];
    expect(header).toMatch(/^ongoing-request="false", expiry-date="[^"]+ GMT"$/);
    for (const [name, query] of LISTINGS) expect([name, (await restoreInfos(query))["arch"]]).toEqual([name, header]);

    // Past the copy's expiry (a day after it became readable) the object is archived again. The
    // client's request date moves too (one days off the emulator's clock would be refused for that).
    offset = 0;
    const later = Date.now() + DELAY + DAY + 60_000;
    const now = jest.spyOn(Date, "now").mockImplementation(() => later);
    try {
      const dated = { "x-oss-date": new Date(later).toUTCString() };
      expect((await req({ method: "HEAD", key: "arch", headers: dated })).headers["x-oss-restore"]).toBeUndefined();
      for (const [, query] of LISTINGS) expect(await restoreInfos(query, dated)).toEqual({ arch: undefined, cold: undefined, warm: undefined });
    } finally {
      now.mockRestore();
    }
  });
});
