import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { UPLOAD_LEFT_WARNING, warnInitiateRetried } from "../src/index.js";

type Warning = [string, { code?: string; type?: string }];
let warn: ReturnType<typeof jest.spyOn>;
const warnings = (): Warning[] => warn.mock.calls as unknown as Warning[];

beforeEach(() => {
  warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe("warnInitiateRetried (review-soak M1)", () => {
  it("warns nothing for an answer to a first attempt, or to a retry after attempts that did nothing", () => {
    warnInitiateRetried({ attempts: 1, earlierAttemptMayHaveApplied: false }, "COS", "k", "u");
    warnInitiateRetried({ attempts: 3, earlierAttemptMayHaveApplied: false }, "COS", "k", "u");
    expect(warnings()).toEqual([]);
  });

  it("after one attempt that may have been applied: one StowageWarning naming the service, the key, the upload used and the remedies", () => {
    warnInitiateRetried({ attempts: 2, earlierAttemptMayHaveApplied: true }, "OSS", "dir/big.iso", "0004B9");
    expect(warnings()).toEqual([
      [
        'OSS InitiateMultipartUpload of key "dir/big.iso" was sent again after an attempt whose answer was lost or failed, which the service may have acted on: an empty upload of that key that no answer named may be left there besides upload "0004B9", the one the call went on with. Stowage does not abort it, as another writer\'s upload of the same key looks the same: once no upload of that key is under way, remove it with `stowage uploads --abort` (or list in part mode and delete with multipartId), or let a lifecycle rule that aborts incomplete multipart uploads after some days remove it',
        { code: UPLOAD_LEFT_WARNING, type: "StowageWarning" },
      ],
    ]);
    expect(UPLOAD_LEFT_WARNING).toBe("STOWAGE_UPLOAD_LEFT");
  });

  it("after several attempts: up to one upload each; a key's control and bidirectional characters are escaped", () => {
    warnInitiateRetried({ attempts: 4, earlierAttemptMayHaveApplied: true }, "QingStor", "a\u009b\u202eb\n", "u");
    const [message] = warnings()[0]!;
    expect(message).toContain('key "a\\u009b\\u202eb\\n" was sent again');
    expect(message).toContain(": up to 3 empty uploads of that key that no answer named may be left there");
    expect(message).toContain("Stowage does not abort them");
    expect(message).not.toMatch(/[\u009b\u202e\n]/);
  });
});
