/**
 * Presigned OSS requests as a client sends them with `fetch`: a ranged read past the end is a 416
 * (x-oss-range-behavior is signed), and a presigned PUT or part upload works with every body type
 * `fetch` takes (it types strings and typed Blobs by itself unless the request names a Content-Type).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { checkPresignedUploadBodies } from "@stowage/behavior-tests";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-bodies";
const VERSIONS = [["v1", ""], ["v4", "&signature_version=v4"]] as const;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

function open(extra: string): Storager {
  return newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${extra}`);
}

describe.each(VERSIONS)("oss presign (%s)", (_version, extra) => {
  it("a presigned ranged read signs x-oss-range-behavior: a range at or past the end is a 416, not the whole object", async () => {
    const s = open(extra);
    await s.write("ten", "0123456789");
    for (const range of [{ offset: 10 }, { offset: 15 }, { offset: 12, size: 2 }]) {
      const p = await s.presign("read", "ten", { expires: 60, ...range });
      const res = await fetch(p.url, { method: p.method, headers: p.headers });
      await res.arrayBuffer();
      expect([range, res.status]).toEqual([range, 416]);
      expect(p.headers).toMatchObject({ "x-oss-range-behavior": "standard" });
    }
    for (const [range, bytes] of [[{ offset: 8 }, "89"], [{ offset: 8, size: 5 }, "89"], [{ offset: 2, size: 3 }, "234"]] as const) {
      const p = await s.presign("read", "ten", { expires: 60, ...range });
      const res = await fetch(p.url, { method: p.method, headers: p.headers });
      expect([res.status, await res.text()]).toEqual([206, bytes]);
    }
    const whole = await s.presign("read", "ten", { expires: 60 });
    expect(whole.headers).toEqual({});
    await s.delete("ten");
  });

  it("presigned uploads sign a Content-Type and take every body type fetch sends (PUT, default_content_type, parts)", async () => {
    await checkPresignedUploadBodies((query) => open(`${extra}${query}`), 200);
  });
});
