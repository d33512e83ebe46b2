import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { errorCode, ossRequest, qsRequest } from "./raw-client.js";

// OSS V1 (`x-oss-date` / `Date`) and QingStor (`X-QS-Date` / `Date`) take RFC 1123 dates only, the
// form both services document and every SDK sends (protocols.md §2.1, §3.1). The emulator took
// whatever Date.parse read, so a client formatting its date otherwise, signing what it sends,
// passed every emulator-backed test.

const BUCKET = "date-formats";
let oss: Emulator;
let qs: Emulator;

beforeAll(async () => {
  oss = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await oss.stop();
  await qs.stop();
});

const now = new Date();
const OTHER_FORMS: [string, string][] = [
  ["ISO 8601", now.toISOString()],
  ["JS toString()", now.toString()],
  ["RFC 1123 without the weekday", now.toUTCString().slice(5)],
  ["a numeric zone", now.toUTCString().replace("GMT", "+0000")],
  ["UTC for GMT", now.toUTCString().replace("GMT", "UTC")],
];

describe("the request date must be RFC 1123", () => {
  it("OSS V1 and QingStor take an RFC 1123 date", async () => {
    const date = now.toUTCString();
    expect((await ossRequest(oss, { method: "PUT", bucket: BUCKET, key: "k", headers: { "x-oss-date": date }, body: "x" })).status).toBe(200);
    expect((await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "k", headers: { "x-qs-date": date }, body: "x" })).status).toBe(201);
  });

  it.each(OTHER_FORMS)("OSS V1 refuses %s with 403 AccessDenied", async (_what, date) => {
    const r = await ossRequest(oss, { method: "PUT", bucket: BUCKET, key: "k", headers: { "x-oss-date": date }, body: "x" });
    expect([r.status, errorCode(r)]).toEqual([403, "AccessDenied"]);
  });

  it.each(OTHER_FORMS)("QingStor refuses %s with 403 permission_denied", async (_what, date) => {
    const r = await qsRequest(qs, { method: "PUT", bucket: BUCKET, key: "k", headers: { "x-qs-date": date }, body: "x" });
    expect([r.status, errorCode(r)]).toEqual([403, "permission_denied"]);
  });
});
