// POST Object restore as the COS driver builds it (body, Content-MD5, the tier always sent), and
// the restore state HEAD and GET report (x-cos-restore, x-cos-restore-status).
import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { restoreObject } from "../src/requests.js";
import { restoreArchived } from "../src/restore.js";
import { objectFromHeaders } from "../src/responses.js";

describe("COS restore request", () => {
  it("POST ?restore with Days and CASJobParameters/Tier, application/xml and the body's Content-MD5", () => {
    const call = restoreObject("a b/c.bin", 3, "Bulk");
    const body = (call.body as Buffer).toString("utf8");
    expect([call.method, call.key, call.query, call.operation]).toEqual(["POST", "a b/c.bin", [["restore", undefined]], "restore_object"]);
    expect(body).toBe('<?xml version="1.0" encoding="UTF-8"?><RestoreRequest><Days>3</Days><CASJobParameters><Tier>Bulk</Tier></CASJobParameters></RestoreRequest>');
    expect(call.headers).toEqual({
      "content-type": "application/xml",
      "content-md5": createHash("md5").update(body).digest("base64"),
      "content-length": String(Buffer.byteLength(body)),
    });
  });
});

describe("COS restore state", () => {
  it("x-cos-restore becomes ObjectInfo.restore, x-cos-restore-status system.restoreStatus; none without the header", () => {
    const ongoing = objectFromHeaders("k", 200, { "x-cos-storage-class": "ARCHIVE", "x-cos-restore": 'ongoing-request="true"', "x-cos-restore-status": 'tier="bulk"; request-date="Mon, 18 Nov 2019 09:34:50 GMT"' });
    expect(ongoing.restore).toEqual({ ongoing: true });
    expect(ongoing.system).toMatchObject({ restoreStatus: 'tier="bulk"; request-date="Mon, 18 Nov 2019 09:34:50 GMT"' });
    const done = objectFromHeaders("k", 200, { "x-cos-storage-class": "ARCHIVE", "x-cos-restore": 'ongoing-request="false", expiry-date="Tue, 19 Nov 2019 16:00:00 GMT"' });
    expect(done.restore).toEqual({ ongoing: false, expiresAt: new Date("2019-11-19T16:00:00Z") });
    expect(objectFromHeaders("k", 200, { "x-cos-storage-class": "ARCHIVE" }).restore).toBeUndefined();
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
