import { expect } from "@jest/globals";
import type { PresignedRequest } from "@stowage/core";
import type { Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";
import { EXPIRES, refuse } from "./presign.js";

/** Sends `req` with fetch, its headers but those in `drop`, plus `extra`; fetch sets Content-Length from `body`. */
async function sendWith(req: PresignedRequest, body: Buffer | undefined, drop: readonly string[] = [], extra: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    const name = k.toLowerCase();
    if (name !== "host" && name !== "content-length" && !drop.includes(name)) headers[k] = v;
  }
  const res = await fetch(req.url, { method: req.method, headers: { ...headers, ...extra }, ...(body === undefined ? {} : { body }) });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

const is2xx = (status: number): boolean => status >= 200 && status < 300;

/**
 * `features.presignBindsSize` is honest both ways: where it is true (COS) a presign's size and offset
 * are signed, so the URL refuses another length or range; where it is false (OSS, QingStor) they are
 * headers to send, and another length or range goes through.
 */
export function registerPresignSizeCases(suite: Suite): void {
  suite.gated(
    "presign: write with size — bound where presignBindsSize, else a header to send",
    ["presignWrite"],
    async (t) => {
      const path = t.key();
      const req = await t.store.presign("write", path, { expires: EXPIRES, size: 13 });
      expect(req.headers["content-length"]).toBe("13");
      const longer = randomData(15);
      const res = await sendWith(req, longer);
      if (t.store.features.presignBindsSize) {
        expect(res.status).toBe(403);
        await expectError(() => t.store.stat(path), "ObjectNotExist");
        const signed = randomData(13);
        expect(is2xx((await sendWith(req, signed)).status)).toBe(true);
        expectSameBytes(await t.store.read(path), signed);
      } else {
        expect(is2xx(res.status)).toBe(true);
        expectSameBytes(await t.store.read(path), longer);
      }
    },
    refuse("write", { size: 13 }),
  );

  suite.gated(
    "presign: read with offset and size — bound where presignBindsSize, else a Range header to send",
    ["presignRead"],
    async (t) => {
      const path = t.key();
      const data = randomData(300);
      await t.store.write(path, data);
      const req = await t.store.presign("read", path, { expires: EXPIRES, offset: 20, size: 50 });
      const asked = await sendWith(req, undefined);
      expect(asked.status).toBe(206);
      expectSameBytes(asked.body, data.subarray(20, 70));
      const none = await sendWith(req, undefined, ["range"]);
      const other = await sendWith(req, undefined, ["range"], { range: "bytes=0-99" });
      if (t.store.features.presignBindsSize) {
        expect(none.status).toBe(403);
        expect(other.status).toBe(403);
      } else {
        expect(none.status).toBe(200);
        expectSameBytes(none.body, data);
        expect(other.status).toBe(206);
        expectSameBytes(other.body, data.subarray(0, 100));
      }
    },
    refuse("read", { offset: 20, size: 50 }),
  );
}
