import vm from "node:vm";
import { describe, expect, it } from "@jest/globals";
import { storageError } from "../src/errors/storage-error.js";

// An Error made in another realm (a vm context; jest's sandbox sees Node's own fs errors so) is no
// `instanceof Error` here: its message, code and errno must still reach `cause`, redacted as any other.
describe("a cause from another realm", () => {
  it("is kept with its code and errno, and its message redacted", () => {
    const foreign = vm.runInNewContext(
      'Object.assign(new Error("open failed: Authorization: q-sign-algorithm=sha1&q-signature=abcdef0123456789abcdef0123456789abcdef01"), { code: "EACCES", errno: -13 })',
    ) as Error;
    expect(foreign instanceof Error).toBe(false);
    const e = storageError("PermissionDenied", "cannot open", { cause: foreign });
    const cause = e.cause as Error & { code?: string; errno?: number };
    expect(cause).toBeInstanceOf(Error);
    expect(cause.code).toBe("EACCES");
    expect(cause.errno).toBe(-13);
    expect(cause.message).toContain("open failed");
    expect(cause.message).not.toContain("abcdef0123456789abcdef0123456789abcdef01");
  });
});
