/**
 * POST ?restore on the COS and OSS emulators: the services' answers (202 first, 200 once restored,
 * 409 RestoreAlreadyInProgress while under way), the refusals (an object in no archive class, a bad
 * body, days or tier), the restore state on HEAD and GET, and reads and copies allowed once the
 * restore is done (after `restoreDelayMs` of the emulator's clock, moved on by the test); a restore
 * of a readable copy (COS: `Days` from now; OSS: `Days` added), and a restore judged on the object as
 * it is once its body has arrived (another restore or a PUT meanwhile).
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, ossEc, ossRequest, qsRequest, type RawRequest, type RawResponse } from "./raw-client.js";

const DELAY = 60_000;
const DAY = 24 * 3600 * 1000;
let offset = 0;
const clock = (): number => Date.now() + offset;

const md5 = (body: string): string => createHash("md5").update(body).digest("base64");
const cosBody = (days: number | string, tier?: string): string =>
  `<RestoreRequest><Days>${days}</Days>${tier === undefined ? "" : `<CASJobParameters><Tier>${tier}</Tier></CASJobParameters>`}</RestoreRequest>`;
const ossBody = (days: number | string, tier?: string): string =>
  `<RestoreRequest><Days>${days}</Days>${tier === undefined ? "" : `<JobParameters><Tier>${tier}</Tier></JobParameters>`}</RestoreRequest>`;
/** The expiry date a restore header states, in ms. */
const expiryOf = (value: unknown): number => Date.parse(/expiry-date="([^"]+)"/.exec(String(value))?.[1] ?? "");

/** Resolves when `ready()` holds, checking it once per macrotask (at most 5,000 times). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 5000 && !ready(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!ready()) throw new Error("the emulator never received the request");
}

/**
 * Sends a restore through `send` with its body held open after 10 bytes; once the emulator has
 * routed it (counted, the key looked up), runs `meanwhile`, then lets the body finish.
 */
async function whileBodyArrives(emu: Emulator, send: (hold: NonNullable<RawRequest["hold"]>) => Promise<RawResponse>, meanwhile: () => Promise<void>): Promise<RawResponse> {
  const routed = emu.stats().byOperation["RestoreObject"] ?? 0;
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const answer = send({ bytes: 10, release: opened });
  await until(() => (emu.stats().byOperation["RestoreObject"] ?? 0) > routed);
  try {
    await meanwhile();
  } finally {
    release();
  }
  return answer;
}

describe("COS POST Object restore", () => {
  const bucket = "restore-1250000000";
  let emu: Emulator;
  const req = (r: Omit<RawRequest, "bucket">): Promise<RawResponse> => cosRequest(emu, { ...r, bucket });
  const put = (key: string, cls: string): Promise<RawResponse> => req({ method: "PUT", key, body: "frozen bytes", headers: { "x-cos-storage-class": cls } });
  const restore = (key: string, body: string, headers: Record<string, string> = { "content-md5": md5(body) }, hold?: RawRequest["hold"]): Promise<RawResponse> =>
    req({ method: "POST", key, query: [["restore", undefined]], body, headers: { "content-type": "application/xml", ...headers }, ...(hold === undefined ? {} : { hold }) });
  beforeAll(async () => {
    emu = await startEmulator({ provider: "cos", buckets: [bucket], clock, restoreDelayMs: DELAY });
  });
  afterAll(async () => {
    offset = 0;
    await emu.stop();
  });

  it("202, then ongoing on HEAD and 409 while under way; readable after the delay, with its expiry; 200 extends it", async () => {
    offset = 0;
    expect((await put("a", "ARCHIVE")).status).toBe(200);
    emu.resetStats();
    const first = await restore("a", cosBody(2, "Bulk"));
    expect(first.status).toBe(202);
    const during = await req({ method: "HEAD", key: "a" });
    expect(during.headers["x-cos-restore"]).toBe('ongoing-request="true"');
    expect(during.headers["x-cos-restore-status"]).toMatch(/^tier="bulk"; request-date="[^"]+ GMT"$/);
    expect([(await req({ method: "GET", key: "a" })).status, errorCode(await req({ method: "GET", key: "a" }))]).toEqual([403, "InvalidObjectState"]);
    const again = await restore("a", cosBody(2, "Bulk"));
    expect([again.status, errorCode(again)]).toEqual([409, "RestoreAlreadyInProgress"]);
    expect(emu.stats().byOperation["RestoreObject"]).toBe(2);
    offset = DELAY + 1000;
    const done = await req({ method: "HEAD", key: "a" });
    expect(done.headers["x-cos-restore"]).toMatch(/^ongoing-request="false", expiry-date="[^"]+ GMT"$/);
    expect(done.headers["x-cos-restore-status"]).toBeUndefined();
    const expires = expiryOf(done.headers["x-cos-restore"]);
    expect(Math.abs(expires - (Date.now() + DELAY + 2 * DAY))).toBeLessThan(10 * 60_000);
    const got = await req({ method: "GET", key: "a" });
    expect([got.status, got.body, got.headers["x-cos-restore"]]).toEqual([200, "frozen bytes", done.headers["x-cos-restore"]]);
    expect((await req({ method: "PUT", key: "a-copy", headers: { "x-cos-copy-source": `${bucket}.cos.ap-guangzhou.myqcloud.com/a` } })).status).toBe(200);
    expect((await req({ method: "GET", key: "a-copy" })).body).toBe("frozen bytes");
    const extended = await restore("a", cosBody(5, "Standard"));
    expect(extended.status).toBe(200);
    expect(expiryOf((await req({ method: "HEAD", key: "a" })).headers["x-cos-restore"])).toBeGreaterThan(expires);
    // Past the copy's expiry the object is archived again: no restore header, reads refused. The
    // client's clock moves too (a signature days off the server's would be refused for that alone).
    offset = 0;
    const real = Date.now;
    const later = real() + DELAY + 6 * DAY;
    const now = jest.spyOn(Date, "now").mockImplementation(() => later);
    try {
      const expired = await req({ method: "HEAD", key: "a" });
      expect([expired.status, expired.headers["x-cos-restore"]]).toEqual([200, undefined]);
      const refused = await req({ method: "GET", key: "a" });
      expect([refused.status, errorCode(refused)]).toEqual([403, "InvalidObjectState"]);
    } finally {
      now.mockRestore();
    }
  });

  it("refuses a missing object, an object in no archive class (405), no Content-MD5, a bad body, days or tier", async () => {
    offset = 0;
    await put("std", "STANDARD");
    await put("deep", "DEEP_ARCHIVE");
    expect([(await restore("missing", cosBody(1))).status, errorCode(await restore("missing", cosBody(1)))]).toEqual([404, "NoSuchKey"]);
    const warm = await restore("std", cosBody(1, "Standard"));
    expect([warm.status, errorCode(warm)]).toEqual([405, "MethodNotAllowed"]);
    const noMd5 = await restore("deep", cosBody(1), {});
    expect([noMd5.status, errorCode(noMd5)]).toEqual([400, "MissingContentMD5"]);
    for (const [body, code] of [
      ["<Restore/>", "MalformedXML"],
      ["<RestoreRequest><CASJobParameters><Tier>Bulk</Tier></CASJobParameters></RestoreRequest>", "MalformedXML"],
      [cosBody(0), "InvalidArgument"],
      [cosBody("1.5"), "InvalidArgument"],
      [cosBody(1, "Fast"), "InvalidArgument"],
      [cosBody(1, "Expedited"), "InvalidArgument"],
    ] as const) {
      const r = await restore("deep", body);
      expect([body, r.status, errorCode(r)]).toEqual([body, 400, code]);
    }
    expect((await req({ method: "HEAD", key: "deep" })).headers["x-cos-restore"]).toBeUndefined();
    // A missing tier is Standard, which DEEP_ARCHIVE takes; it is done at once once the delay has passed.
    expect((await restore("deep", cosBody(1))).status).toBe(202);
    offset = DELAY;
    expect((await req({ method: "GET", key: "deep" })).body).toBe("frozen bytes");
    offset = 0;
  });

  it("a restore whose body arrives after another restore of the key: 409 RestoreAlreadyInProgress, not NoSuchKey", async () => {
    offset = 0;
    await put("race", "ARCHIVE");
    const body = cosBody(2, "Standard");
    const late = await whileBodyArrives(emu, (hold) => restore("race", body, { "content-md5": md5(body) }, hold), async () => {
      expect((await restore("race", cosBody(1, "Bulk"))).status).toBe(202);
    });
    expect([late.status, errorCode(late)]).toEqual([409, "RestoreAlreadyInProgress"]);
    expect((await req({ method: "HEAD", key: "race" })).headers["x-cos-restore-status"]).toMatch(/^tier="bulk"/);
  });

  it("a restore whose body arrives after a PUT of the key judges the new object: an archived one is restored, a STANDARD one is 405", async () => {
    offset = 0;
    await put("race-put", "ARCHIVE");
    const body = cosBody(1, "Standard");
    const archived = await whileBodyArrives(emu, (hold) => restore("race-put", body, { "content-md5": md5(body) }, hold), async () => {
      expect((await put("race-put", "DEEP_ARCHIVE")).status).toBe(200);
    });
    expect(archived.status).toBe(202);
    const head = await req({ method: "HEAD", key: "race-put" });
    expect([head.headers["x-cos-storage-class"], head.headers["x-cos-restore"]]).toEqual(["DEEP_ARCHIVE", 'ongoing-request="true"']);
    await put("race-warm", "ARCHIVE");
    const warm = await whileBodyArrives(emu, (hold) => restore("race-warm", body, { "content-md5": md5(body) }, hold), async () => {
      expect((await put("race-warm", "STANDARD")).status).toBe(200);
    });
    expect([warm.status, errorCode(warm)]).toEqual([405, "MethodNotAllowed"]);
  });

  it("a restore of a readable copy sets its expiry Days from that request, shorter than before included", async () => {
    offset = 0;
    await put("short", "ARCHIVE");
    expect((await restore("short", cosBody(5))).status).toBe(202);
    offset = DELAY;
    const long = expiryOf((await req({ method: "HEAD", key: "short" })).headers["x-cos-restore"]);
    expect((await restore("short", cosBody(1))).status).toBe(200);
    const short = expiryOf((await req({ method: "HEAD", key: "short" })).headers["x-cos-restore"]);
    expect(long - short).toBeGreaterThan(3 * DAY);
    expect(Math.abs(short - (Date.now() + DELAY + DAY))).toBeLessThan(10 * 60_000);
    offset = 0;
  });
});

describe("OSS RestoreObject", () => {
  const bucket = "restore-oss";
  let emu: Emulator;
  const req = (r: Omit<RawRequest, "bucket">): Promise<RawResponse> => ossRequest(emu, { ...r, bucket });
  const put = (key: string, cls: string): Promise<RawResponse> => req({ method: "PUT", key, body: "frozen bytes", headers: { "x-oss-storage-class": cls } });
  const restore = (key: string, body?: string, hold?: RawRequest["hold"]): Promise<RawResponse> =>
    req({ method: "POST", key, query: [["restore", undefined]], ...(body === undefined ? {} : { body, headers: { "content-type": "application/xml" } }), ...(hold === undefined ? {} : { hold }) });
  beforeAll(async () => {
    emu = await startEmulator({ provider: "oss", buckets: [bucket], clock, restoreDelayMs: DELAY });
  });
  afterAll(async () => {
    offset = 0;
    await emu.stop();
  });

  it("202 with no body (a day), ongoing then done on HEAD, 409 while under way, 200 once restored", async () => {
    offset = 0;
    await put("arch", "Archive");
    expect((await restore("arch")).status).toBe(202);
    expect((await req({ method: "HEAD", key: "arch" })).headers["x-oss-restore"]).toBe('ongoing-request="true"');
    const again = await restore("arch", ossBody(1));
    expect([again.status, errorCode(again)]).toEqual([409, "RestoreAlreadyInProgress"]);
    offset = DELAY;
    const head = await req({ method: "HEAD", key: "arch" });
    expect(Math.abs(expiryOf(head.headers["x-oss-restore"]) - (Date.now() + DELAY + DAY))).toBeLessThan(10 * 60_000);
    expect((await req({ method: "GET", key: "arch" })).body).toBe("frozen bytes");
    expect((await restore("arch", ossBody(7))).status).toBe(200);
    offset = 0;
  });

  it("ColdArchive: a faster tier while under way is taken (202), the same or a slower one is 409", async () => {
    offset = 0;
    await put("cold", "ColdArchive");
    expect((await restore("cold", ossBody(3, "Standard"))).status).toBe(202);
    expect((await restore("cold", ossBody(3, "Bulk"))).status).toBe(409);
    expect((await restore("cold", ossBody(3, "Standard"))).status).toBe(409);
    expect((await restore("cold", ossBody(3, "Expedited"))).status).toBe(202);
    expect((await restore("cold", ossBody(3, "Expedited"))).status).toBe(409);
  });

  it("a slower tier than the restore under way is 409 with EC 0016-00000715 (the priority is raised, never lowered); the same tier 409 without", async () => {
    offset = 0;
    await put("slower", "ColdArchive");
    expect((await restore("slower", ossBody(3, "Standard"))).status).toBe(202);
    const same = await restore("slower", ossBody(3, "Standard"));
    expect([same.status, errorCode(same), ossEc(same)]).toEqual([409, "RestoreAlreadyInProgress", undefined]);
    const lower = await restore("slower", ossBody(3, "Bulk"));
    expect([lower.status, errorCode(lower), ossEc(lower)]).toEqual([409, "RestoreAlreadyInProgress", "0016-00000715"]);
    await put("slower-deep", "DeepColdArchive");
    expect((await restore("slower-deep", ossBody(3, "Expedited"))).status).toBe(202);
    expect(ossEc(await restore("slower-deep", ossBody(3, "Standard")))).toBe("0016-00000715");
  });

  it("an Archive object takes no tier: JobParameters is 400 InvalidArgument, nothing restored", async () => {
    offset = 0;
    await put("arch-tier", "Archive");
    for (const tier of ["Standard", "Bulk", "Expedited"]) {
      const r = await restore("arch-tier", ossBody(1, tier));
      expect([tier, r.status, errorCode(r)]).toEqual([tier, 400, "InvalidArgument"]);
    }
    expect((await req({ method: "HEAD", key: "arch-tier" })).headers["x-oss-restore"]).toBeUndefined();
    expect((await restore("arch-tier", ossBody(1))).status).toBe(202);
  });

  it("a restore of a readable copy adds Days to its expiry, at most the class's maximum after it became readable", async () => {
    offset = 0;
    await put("adds", "Archive");
    expect((await restore("adds", ossBody(2))).status).toBe(202);
    offset = DELAY;
    const first = expiryOf((await req({ method: "HEAD", key: "adds" })).headers["x-oss-restore"]);
    expect((await restore("adds", ossBody(3))).status).toBe(200);
    const added = expiryOf((await req({ method: "HEAD", key: "adds" })).headers["x-oss-restore"]);
    expect(added - first).toBe(3 * DAY);
    // Archive keeps a copy at most 7 days: 2 + 3 + 7 is held to 7 from when it became readable.
    expect((await restore("adds", ossBody(7))).status).toBe(200);
    expect(expiryOf((await req({ method: "HEAD", key: "adds" })).headers["x-oss-restore"]) - first).toBe(5 * DAY);
    offset = 0;
  });

  it("a restore whose body arrives after another restore of the key: 409 RestoreAlreadyInProgress, not NoSuchKey", async () => {
    offset = 0;
    await put("race", "ColdArchive");
    const late = await whileBodyArrives(emu, (hold) => restore("race", ossBody(2, "Standard"), hold), async () => {
      expect((await restore("race", ossBody(1, "Standard"))).status).toBe(202);
    });
    expect([late.status, errorCode(late)]).toEqual([409, "RestoreAlreadyInProgress"]);
    expect((await req({ method: "HEAD", key: "race" })).headers["x-oss-restore"]).toBe('ongoing-request="true"');
  });

  it("a restore whose body arrives after a PUT of the key judges the new object: a Standard one is 400 OperationNotSupported", async () => {
    offset = 0;
    await put("race-put", "ColdArchive");
    const warm = await whileBodyArrives(emu, (hold) => restore("race-put", ossBody(1), hold), async () => {
      expect((await put("race-put", "Standard")).status).toBe(200);
    });
    expect([warm.status, errorCode(warm)]).toEqual([400, "OperationNotSupported"]);
  });

  it("refuses an object in no archive class (400 OperationNotSupported), bad days and tiers with their ECs", async () => {
    offset = 0;
    await put("std", "Standard");
    await put("arch2", "Archive");
    await put("deep", "DeepColdArchive");
    const warm = await restore("std", ossBody(1));
    expect([warm.status, errorCode(warm)]).toEqual([400, "OperationNotSupported"]);
    const cases: ReadonlyArray<readonly [string, string | undefined, string]> = [
      ["arch2", ossBody(8), "0016-00000708"],
      ["arch2", ossBody(0), "0016-00000708"],
      ["deep", ossBody(366), "0016-00000704"],
      ["deep", ossBody(1, "Bulk"), "0016-00000703"],
      ["deep", ossBody(1, "Fast"), "0016-00000703"],
      ["deep", "<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters></RestoreRequest>", "0016-00000709"],
    ];
    for (const [key, body, ec] of cases) {
      const r = await restore(key, body);
      expect([body, r.status, errorCode(r), ossEc(r)]).toEqual([body, 400, "InvalidArgument", ec]);
    }
    expect((await req({ method: "HEAD", key: "deep" })).headers["x-oss-restore"]).toBeUndefined();
    expect((await restore("missing", ossBody(1))).status).toBe(404);
  });
});

describe("QingStor", () => {
  it("has no archive class: ?restore is 501", async () => {
    const emu = await startEmulator({ provider: "qingstor", buckets: ["restore-qs"] });
    try {
      await qsRequest(emu, { method: "PUT", bucket: "restore-qs", key: "k", body: "x" });
      const r = await qsRequest(emu, { method: "POST", bucket: "restore-qs", key: "k", query: [["restore", undefined]], body: "" });
      expect(r.status).toBe(501);
    } finally {
      await emu.stop();
    }
  });
});
