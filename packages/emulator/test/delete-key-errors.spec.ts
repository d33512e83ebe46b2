import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, md5Base64, ossRequest, qsRequest, type RawResponse } from "./raw-client.js";

const COS_BUCKET = "dke-1250000000";
const BUCKET = "dke-bucket";

let cos: Emulator;
let qs: Emulator;
let oss: Emulator;

beforeAll(async () => {
  cos = await startEmulator({ provider: "cos", buckets: [COS_BUCKET] });
  qs = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  oss = await startEmulator({ provider: "oss", buckets: [BUCKET] });
});

afterAll(async () => {
  await Promise.all([cos?.stop(), qs?.stop(), oss?.stop()]);
});

beforeEach(() => {
  for (const emu of [cos, qs, oss]) emu.setFaults([]);
});

const xmlDelete = (keys: string[], quiet: boolean): string => `<Delete><Quiet>${quiet}</Quiet>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join("")}</Delete>`;

function cosBatch(keys: string[], quiet = false): Promise<RawResponse> {
  const body = xmlDelete(keys, quiet);
  return cosRequest(cos, { method: "POST", bucket: COS_BUCKET, query: [["delete", undefined]], headers: { "content-md5": md5Base64(body), "content-type": "application/xml" }, body });
}

function qsBatch(keys: string[], quiet = false): Promise<RawResponse> {
  const body = JSON.stringify({ objects: keys.map((key) => ({ key })), quiet });
  return qsRequest(qs, { method: "POST", bucket: BUCKET, query: [["delete", undefined]], headers: { "content-md5": md5Base64(body), "content-type": "application/json" }, body });
}

/** The `<Deleted>` keys and `<Error>` entries of a COS `<DeleteResult>`. */
function cosResult(r: RawResponse): { deleted: string[]; errors: { key: string; code: string; message: string }[] } {
  expect(r.status).toBe(200);
  expect(r.body).toContain("<DeleteResult>");
  const deleted = [...r.body.matchAll(/<Deleted><Key>([^<]*)<\/Key><\/Deleted>/g)].map((m) => m[1]!);
  const errors = [...r.body.matchAll(/<Error><Key>([^<]*)<\/Key><Code>([^<]*)<\/Code><Message>([^<]*)<\/Message><\/Error>/g)].map((m) => ({ key: m[1]!, code: m[2]!, message: m[3]! }));
  return { deleted, errors };
}

async function putAll(emu: Emulator, bucket: string, keys: string[]): Promise<void> {
  const send = emu === cos ? cosRequest : emu === qs ? qsRequest : ossRequest;
  for (const key of keys) expect((await send(emu, { method: "PUT", bucket, key, body: key })).status).toBeLessThan(300);
}

async function present(emu: Emulator, bucket: string, keys: string[]): Promise<string[]> {
  const send = emu === cos ? cosRequest : emu === qs ? qsRequest : ossRequest;
  const out: string[] = [];
  for (const key of keys) if ((await send(emu, { method: "HEAD", bucket, key })).status === 200) out.push(key);
  return out;
}

const invalid = expect.objectContaining({ code: "InvalidArgument" });

describe("delete-key-errors fault", () => {
  it("COS: each key a rule names gets an <Error> (the first naming rule's code, default AccessDenied) and stays; the others are deleted", async () => {
    await putAll(cos, COS_BUCKET, ["a", "b/1", "b/2", "c"]);
    cos.setFaults([
      { kind: "delete-key-errors", keys: ["c"], code: "InternalError", message: "try later" },
      { kind: "delete-key-errors", operation: "DeleteObjects", keyPattern: "^b/|^c$" },
    ]);
    cos.resetStats();
    const result = cosResult(await cosBatch(["a", "b/1", "c", "b/2", "missing"]));
    expect(result.deleted).toEqual(["a", "missing"]);
    expect(result.errors.map(({ key, code }) => ({ key, code }))).toEqual([
      { key: "b/1", code: "AccessDenied" },
      { key: "c", code: "InternalError" },
      { key: "b/2", code: "AccessDenied" },
    ]);
    expect(result.errors[1]!.message).toBe("try later");
    expect(await present(cos, COS_BUCKET, ["a", "b/1", "b/2", "c"])).toEqual(["b/1", "b/2", "c"]);
    expect(cos.faults().map(({ matched, fired }) => ({ matched, fired }))).toEqual([
      { matched: 1, fired: 1 },
      { matched: 1, fired: 1 },
    ]);
    expect(cos.stats().faultsByKind["delete-key-errors"]).toBe(2);

    // Quiet mode lists the errors, not the deleted keys.
    const quiet = cosResult(await cosBatch(["b/1", "b/2"], true));
    expect(quiet).toMatchObject({ deleted: [], errors: [{ key: "b/1", code: "AccessDenied" }, { key: "b/2", code: "AccessDenied" }] });
    cos.setFaults([]);
    expect(cosResult(await cosBatch(["b/1", "b/2", "c"])).errors).toEqual([]);
    expect(await present(cos, COS_BUCKET, ["b/1", "b/2", "c"])).toEqual([]);
  });

  it("QingStor: each key a rule names gets an errors entry (default permission_denied) and stays, in quiet mode too", async () => {
    await putAll(qs, BUCKET, ["a", "x", "y"]);
    qs.setFaults([{ kind: "delete-key-errors", keys: ["x", "y"] }]);
    const r = await qsBatch(["a", "x", "y"]);
    expect(r.status).toBe(200);
    const doc = JSON.parse(r.body) as { deleted: { key: string }[]; errors: { key: string; code: string; message: string }[] };
    expect(doc.deleted).toEqual([{ key: "a" }]);
    expect(doc.errors.map(({ key, code }) => ({ key, code }))).toEqual([
      { key: "x", code: "permission_denied" },
      { key: "y", code: "permission_denied" },
    ]);
    expect(typeof doc.errors[0]!.message).toBe("string");
    expect(await present(qs, BUCKET, ["a", "x", "y"])).toEqual(["x", "y"]);
    const quiet = JSON.parse((await qsBatch(["x"], true)).body) as Record<string, unknown>;
    expect(quiet).toEqual({ errors: [{ key: "x", code: "permission_denied", message: expect.any(String) }] });
    qs.setFaults([]);
    await qsBatch(["x", "y"]);
    expect(await present(qs, BUCKET, ["x", "y"])).toEqual([]);
  });

  it("counts only batch deletes as matched, and follows skip and count", async () => {
    cos.setFaults([{ kind: "delete-key-errors", keys: ["k"], skip: 1, count: 1 }]);
    await putAll(cos, COS_BUCKET, ["k"]);
    expect((await cosRequest(cos, { method: "DELETE", bucket: COS_BUCKET, key: "k" })).status).toBe(204);
    expect(cos.faults()[0]).toMatchObject({ matched: 0, fired: 0 });
    await putAll(cos, COS_BUCKET, ["k"]);
    expect(cosResult(await cosBatch(["k"])).deleted).toEqual(["k"]);
    await putAll(cos, COS_BUCKET, ["k"]);
    expect(cosResult(await cosBatch(["k"])).errors.map((e) => e.key)).toEqual(["k"]);
    expect(await present(cos, COS_BUCKET, ["k"])).toEqual(["k"]);
    expect(cosResult(await cosBatch(["k"])).deleted).toEqual(["k"]);
    expect(cos.faults()[0]).toMatchObject({ matched: 3, fired: 1 });
    expect(await present(cos, COS_BUCKET, ["k"])).toEqual([]);
    cos.setFaults([]);
  });

  it("OSS has no per-key error: a rule that could apply there is refused, one for another provider is kept and never fires", async () => {
    const rule = { kind: "delete-key-errors" as const, keys: ["a"] };
    expect(await startRefusal({ provider: "oss", faults: [rule] })).toMatchObject({ code: "InvalidArgument" });
    oss.setFaults([{ kind: "status", operation: "GetObject" }]);
    expect(() => oss.setFaults([rule])).toThrow(expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("has no per-key error") }));
    expect(() => oss.addFaults([rule])).toThrow(invalid);
    expect(oss.faults().map((f) => f.rule.kind)).toEqual(["status"]);
    const admin = await fetch(`${oss.endpoint}/_emulator/faults`, { method: "POST", body: JSON.stringify(rule) });
    expect(admin.status).toBe(400);
    expect(((await admin.json()) as { error: string }).error).toContain("delete-key-errors");
    expect(() => cos.setFaults([{ ...rule, provider: "oss" }])).toThrow(invalid);

    oss.setFaults([{ ...rule, provider: "cos" }]);
    await putAll(oss, BUCKET, ["a"]);
    const body = xmlDelete(["a"], false);
    const r = await ossRequest(oss, { method: "POST", bucket: BUCKET, query: [["delete", undefined]], headers: { "content-md5": md5Base64(body), "content-type": "application/xml" }, body });
    expect(r.status).toBe(200);
    expect(r.body).not.toContain("<Error>");
    expect(await present(oss, BUCKET, ["a"])).toEqual([]);
    expect(oss.faults()[0]).toMatchObject({ matched: 0, fired: 0 });
    oss.setFaults([]);
  });

  it("refuses a rule that names no key, names keys badly, or could never apply", async () => {
    const bad: Array<[object, string]> = [
      [{ kind: "delete-key-errors" }, "names no key"],
      [{ kind: "delete-key-errors", keys: "a" }, "keys must be a list of strings"],
      [{ kind: "delete-key-errors", keys: ["a", 1] }, "keys must be a list of strings"],
      [{ kind: "delete-key-errors", keyPattern: "(" }, "keyPattern must be a valid regular expression"],
      [{ kind: "delete-key-errors", keys: ["a"], code: "" }, "code must be a non-empty string"],
      [{ kind: "delete-key-errors", keys: ["a"], message: 5 }, "message must be a non-empty string"],
      [{ kind: "delete-key-errors", keys: ["a"], operation: ["PutObject", "DeleteObject"] }, "applies to DeleteObjects only"],
      [{ kind: "delete-key-errors", keys: ["a"], key: "a" }, "not key or keyPrefix"],
      [{ kind: "delete-key-errors", keyPattern: "^a", keyPrefix: "a" }, "not key or keyPrefix"],
    ];
    for (const [rule, reason] of bad) {
      let thrown: unknown;
      try {
        cos.setFaults([rule as never]);
      } catch (e) {
        thrown = e;
      }
      expect([rule, thrown]).toEqual([rule, expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining(reason) })]);
    }
    expect(cos.faults()).toEqual([]);
    const ok = await fetch(`${cos.endpoint}/_emulator/faults`, { method: "PUT", body: JSON.stringify([{ kind: "delete-key-errors", operation: ["DeleteObjects", "PutObject"], keyPattern: "^z" }]) });
    expect(ok.status).toBe(200);
    expect(cos.faults()).toHaveLength(1);
    cos.setFaults([]);
  });
});

/** What starting an emulator with `opts` was refused with (one that starts is stopped: undefined). */
async function startRefusal(opts: Parameters<typeof startEmulator>[0]): Promise<unknown> {
  return startEmulator(opts).then(
    async (emu) => void (await emu.stop()),
    (e: unknown) => e,
  );
}

describe("QingStor DeleteMultipleObjects with a body of the wrong shape", () => {
  it("is 400 MalformedBody (objects not a list), never a server error", async () => {
    for (const objects of [{ key: "a" }, "a", 5]) {
      const body = JSON.stringify({ objects });
      const r = await qsRequest(qs, { method: "POST", bucket: BUCKET, query: [["delete", undefined]], headers: { "content-md5": md5Base64(body), "content-type": "application/json" }, body });
      expect(r.status).toBe(400);
    }
  });
});

describe("error-200 fault, per provider", () => {
  it("a rule whose operations have no error-200 answer on the emulator's provider is refused at start, setFaults, addFaults and the admin route", async () => {
    const copy = { kind: "error-200" as const, operation: "CopyObject" as const };
    expect(await startRefusal({ provider: "oss", faults: [copy] })).toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("error-200 cannot apply") });
    expect(await startRefusal({ provider: "qingstor", faults: [{ kind: "error-200", operation: ["CompleteMultipartUpload", "UploadPartCopy"] }] })).toMatchObject({ code: "InvalidArgument" });
    oss.setFaults([{ kind: "status", operation: "GetObject" }]);
    expect(() => oss.setFaults([copy])).toThrow(expect.objectContaining({ code: "InvalidArgument", message: expect.stringContaining("applies to DeleteObjects only") }));
    expect(() => oss.addFaults([copy])).toThrow(invalid);
    expect(() => qs.addFaults([copy])).toThrow(invalid);
    expect(oss.faults().map((f) => f.rule.kind)).toEqual(["status"]);
    const admin = await fetch(`${oss.endpoint}/_emulator/faults`, { method: "POST", body: JSON.stringify(copy) });
    expect(admin.status).toBe(400);
    expect(((await admin.json()) as { error: string }).error).toContain("error-200");
    // A rule naming its provider is checked against that provider wherever it is given.
    expect(() => cos.setFaults([{ ...copy, provider: "oss" }])).toThrow(invalid);
    expect(oss.faults().map((f) => f.rule.kind)).toEqual(["status"]);

    // Kept: one operation of the list has the answer, no operation at all, COS copies, a rule for another provider.
    oss.setFaults([{ kind: "error-200", operation: ["CopyObject", "DeleteObjects"] }, { kind: "error-200" }, { ...copy, provider: "cos" }]);
    expect(oss.faults()).toHaveLength(3);
    cos.setFaults([copy]);
    expect(cos.faults()).toHaveLength(1);
    cos.setFaults([]);
    oss.setFaults([]);
  });

  it("when error-200 and delete-key-errors both fire on one batch, error-200 wins: an error document, nothing deleted", async () => {
    await putAll(cos, COS_BUCKET, ["w1", "w2"]);
    cos.setFaults([
      { kind: "delete-key-errors", keys: ["w1"] },
      { kind: "error-200", operation: "DeleteObjects", code: "InternalError" },
    ]);
    const r = await cosBatch(["w1", "w2"]);
    expect(r.status).toBe(200);
    expect(r.body).not.toContain("<DeleteResult>");
    expect(r.body).toContain("<Code>InternalError</Code>");
    expect(await present(cos, COS_BUCKET, ["w1", "w2"])).toEqual(["w1", "w2"]);
    cos.setFaults([]);
    expect(cosResult(await cosBatch(["w1", "w2"])).deleted).toEqual(["w1", "w2"]);
  });
});
