// RestoreObject as the OSS driver builds it (body with JobParameters only given a tier,
// Content-MD5), and the restore state HEAD and GET report (x-oss-restore).
import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, storageError, type BufferedResponse, type DriverCallOptions, type RawObject } from "@stowage/core";
import type { OssClient } from "../src/client.js";
import type { OssCall } from "../src/requests.js";
import { restoreObject } from "../src/requests.js";
import { restoreArchived } from "../src/restore.js";
import { objectFromHeaders } from "../src/responses.js";

/** A client that answers every request `status` (empty body) and records what it was sent. */
function answering(status: number): { client: OssClient; sent: OssCall[] } {
  const sent: OssCall[] = [];
  const res = (): BufferedResponse => ({ status, headers: {}, requestId: "rid", attempts: 1, earlierAttemptMayHaveApplied: false, body: Buffer.alloc(0), header: () => undefined }) as unknown as BufferedResponse;
  const client = { sendBuffered: (call: OssCall) => (sent.push(call), Promise.resolve(res())) } as unknown as OssClient;
  return { client, sent };
}

describe("OSS restore request", () => {
  it("POST ?restore with Days, JobParameters/Tier only when a tier is given, and the body's Content-MD5", () => {
    const plain = restoreObject("k", 2, undefined);
    const tiered = restoreObject("k", 5, "Expedited");
    const text = (b: unknown): string => (b as Buffer).toString("utf8");
    expect([plain.method, plain.query, plain.operation]).toEqual(["POST", [["restore", undefined]], "restore_object"]);
    expect(text(plain.body)).toMatch(/<RestoreRequest><Days>2<\/Days><\/RestoreRequest>$/);
    expect(text(tiered.body)).toMatch(/<RestoreRequest><Days>5<\/Days><JobParameters><Tier>Expedited<\/Tier><\/JobParameters><\/RestoreRequest>$/);
    expect(tiered.headers["content-md5"]).toBe(createHash("md5").update(tiered.body as Buffer).digest("base64"));
    expect(tiered.headers["content-type"]).toBe("application/xml");
  });
});

describe("OSS restore state", () => {
  it("x-oss-restore becomes ObjectInfo.restore; none without the header", () => {
    expect(objectFromHeaders("k", 200, { "x-oss-storage-class": "ColdArchive", "x-oss-restore": 'ongoing-request="true"' }).restore).toEqual({ ongoing: true });
    const done = objectFromHeaders("k", 200, { "x-oss-storage-class": "Archive", "x-oss-restore": 'ongoing-request="false", expiry-date="Sun, 16 Apr 2017 08:12:33 GMT"' });
    expect(done.restore).toEqual({ ongoing: false, expiresAt: new Date("2017-04-16T08:12:33Z") });
    expect(objectFromHeaders("k", 200, { "x-oss-storage-class": "Archive" }).restore).toBeUndefined();
  });
});

describe("OSS restore when the HEAD is refused", () => {
  const refused = (code: ErrorCode, status: number) => (): Promise<RawObject> => Promise.reject(storageError(code, `head_object: HTTP ${status}`, { statusCode: status }));

  it("403 (a credential with oss:RestoreObject but not oss:GetObject) or 400: the POST is sent unchecked, OSS judges", async () => {
    for (const [code, status] of [[ErrorCode.PermissionDenied, 403], [ErrorCode.InvalidArgument, 400]] as const) {
      const { client, sent } = answering(202);
      expect(await restoreArchived(client, refused(code, status), "k", { days: 30, tier: "Bulk" })).toEqual({ alreadyRestored: false });
      expect(sent.map((c) => [c.method, c.operation])).toEqual([["POST", "restore_object"]]);
      // Days and tier go as given: the class is unknown, so none of the class checks ran.
      expect((sent[0]!.body as Buffer).toString("utf8")).toMatch(/<Days>30<\/Days><JobParameters><Tier>Bulk<\/Tier><\/JobParameters>/);
    }
  });

  it("a missing object, or any other failure of the HEAD, still stops it: nothing sent", async () => {
    for (const [code, status] of [[ErrorCode.ObjectNotExist, 404], [ErrorCode.ServiceInternal, 500]] as const) {
      const { client, sent } = answering(202);
      await expect(restoreArchived(client, refused(code, status), "k", { days: 1 })).rejects.toMatchObject({ code });
      expect(sent).toEqual([]);
    }
  });

  it("with the HEAD answered, the class checks still run before anything is sent", async () => {
    const { client, sent } = answering(202);
    const archive = (_key: string, _o: DriverCallOptions): Promise<RawObject> => Promise.resolve({ key: "k", mode: "file", size: 1, storageClass: "Archive" } as RawObject);
    await expect(restoreArchived(client, archive, "k", { days: 8 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(restoreArchived(client, archive, "k", { days: 1, tier: "Bulk" })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(sent).toEqual([]);
  });
});

describe("restore of an object whose class is named like an inherited member", () => {
  it("leaves the class to the service to judge, as any class it does not know (no rule found on Object.prototype)", async () => {
    let sent = 0;
    const client = { sendBuffered: () => ((sent += 1), Promise.reject(new Error("sent"))) } as never;
    for (const storageClass of ["constructor", "toString", "__proto__"]) {
      const stat = async () => ({ key: "k", mode: "file" as const, size: 1, storageClass });
      await expect(restoreArchived(client, stat, "k", { days: 1, tier: "Standard" })).rejects.toThrow("sent");
    }
    expect(sent).toBe(3);
  });
});
