// RestoreObject as the OSS driver builds it (body with JobParameters only given a tier,
// Content-MD5), and the restore state HEAD and GET report (x-oss-restore).
import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { restoreObject } from "../src/requests.js";
import { objectFromHeaders } from "../src/responses.js";

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
