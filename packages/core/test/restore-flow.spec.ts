import { describe, expect, it } from "@jest/globals";
import type { RawObject } from "../src/driver/driver-types.js";
import { restoreArchivedObject, type RestoreFlow } from "../src/driver/restore-flow.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError, type StorageError } from "../src/errors/storage-error.js";
import type { BufferedSendOptions } from "../src/http/http-client-options.js";
import type { BufferedResponse } from "../src/http/http-response.js";

const answer = (status: number, code?: string, retried = false): BufferedResponse =>
  ({ status, body: Buffer.from(code ?? ""), earlierAttemptMayHaveApplied: retried }) as unknown as BufferedResponse;

const COLD: RawObject = { key: "k", mode: "file", size: 1, storageClass: "COLD" };
const WARM: RawObject = { key: "k", mode: "file", size: 1, storageClass: "WARM" };

/** A flow whose HEAD gives `head` (an object or a failure) and whose send gives `sent` (an answer or a failure), counting the sends. */
function flow(head: RawObject | StorageError, sent: BufferedResponse | StorageError) {
  const seen = { sends: 0, accepts: [] as boolean[] };
  const f: RestoreFlow<{ code?: string }> = {
    stat: async () => {
      if (head instanceof Error) throw head;
      return head;
    },
    check: (object) => {
      if (object.storageClass === "WARM") throw storageError(ErrorCode.ObjectModeInvalid, "restore: WARM: nothing to restore; nothing sent");
    },
    send: async (options: BufferedSendOptions) => {
      seen.sends++;
      seen.accepts = [200, 202, 409, 404, 500].map((s) => options.accept?.(s) ?? false);
      if (sent instanceof Error) throw sent;
      return sent;
    },
    errorDocument: async (res) => (res.body.length > 0 ? { code: res.body.toString() } : undefined),
    errorFrom: (res, doc) => storageError(ErrorCode.Conflict, `restore_object: ${doc?.code ?? res.status}`, { statusCode: res.status }),
    notArchived: (e) => e.serviceCode === "OperationNotSupported",
    restores: "TEST restores COLD objects only",
  };
  return { flow: f, seen };
}

describe("restoreArchivedObject", () => {
  it("202 is a restore started and 200 one done already; the send lets 2xx and 409 through only", async () => {
    const started = flow(COLD, answer(202));
    await expect(restoreArchivedObject("k", undefined, started.flow)).resolves.toEqual({ alreadyRestored: false });
    expect(started.seen.accepts).toEqual([true, true, true, false, false]);
    await expect(restoreArchivedObject("k", undefined, flow(COLD, answer(200)).flow)).resolves.toEqual({ alreadyRestored: true });
  });

  it("an object the check refuses is refused with nothing sent", async () => {
    const { flow: f, seen } = flow(WARM, answer(202));
    await expect(restoreArchivedObject("k", undefined, f)).rejects.toMatchObject({ code: ErrorCode.ObjectModeInvalid });
    expect(seen.sends).toBe(0);
  });

  it("a HEAD refused as InvalidArgument or PermissionDenied sends the request unchecked; a missing object sends nothing", async () => {
    for (const code of [ErrorCode.InvalidArgument, ErrorCode.PermissionDenied]) {
      const { flow: f, seen } = flow(storageError(code, "head_object: HTTP 403"), answer(202));
      await expect(restoreArchivedObject("k", undefined, f)).resolves.toEqual({ alreadyRestored: false });
      expect(seen.sends).toBe(1);
    }
    const missing = flow(storageError(ErrorCode.ObjectNotExist, "head_object: HTTP 404"), answer(202));
    await expect(restoreArchivedObject("k", undefined, missing.flow)).rejects.toMatchObject({ code: ErrorCode.ObjectNotExist });
    expect(missing.seen.sends).toBe(0);
  });

  it("409 RestoreAlreadyInProgress is the service's error, except to a retry whose earlier attempt may have applied", async () => {
    await expect(restoreArchivedObject("k", undefined, flow(COLD, answer(409, "RestoreAlreadyInProgress")).flow)).rejects.toMatchObject({ code: ErrorCode.Conflict, statusCode: 409 });
    await expect(restoreArchivedObject("k", undefined, flow(COLD, answer(409, "RestoreAlreadyInProgress", true)).flow)).resolves.toEqual({ alreadyRestored: false });
    await expect(restoreArchivedObject("k", undefined, flow(COLD, answer(409, "OtherConflict", true)).flow)).rejects.toMatchObject({ code: ErrorCode.Conflict });
  });

  it("a failure notArchived recognises is ObjectModeInvalid with its cause; any other failure is as it is", async () => {
    const refused = storageError(ErrorCode.InvalidArgument, "restore_object: OperationNotSupported", { statusCode: 400, serviceCode: "OperationNotSupported", requestId: "r1" });
    const e = (await restoreArchivedObject("k", undefined, flow(COLD, refused).flow).catch((x: unknown) => x)) as StorageError;
    expect(e).toMatchObject({ code: ErrorCode.ObjectModeInvalid, statusCode: 400, requestId: "r1", cause: refused });
    expect(e.message).toContain("TEST restores COLD objects only: this one reads as it is");
    const other = storageError(ErrorCode.PermissionDenied, "restore_object: AccessDenied", { statusCode: 403, serviceCode: "AccessDenied" });
    await expect(restoreArchivedObject("k", undefined, flow(COLD, other).flow)).rejects.toBe(other);
  });
});
