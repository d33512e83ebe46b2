/**
 * A secret written as URL user information before a bucket or directory (`cos://AK:SK@bucket/`,
 * the form other tools take) is never echoed: the location is refused (ConnectionStringInvalid,
 * exit 8) before any driver quotes the name, with the password masked as `stowage profiles`
 * masks it (`AK:***@bucket`), with or without --debug, typed or percent-encoded, given directly
 * or through a profile. In process; nothing is sent anywhere.
 */
import { describe, expect, it } from "@jest/globals";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const SECRET = "SUPERSECRET";
const ws = useWorkspace();
const run = inProcess(ws);

/** Locations with the secret in the name, and the masked form the message shows. */
const LOCATIONS: ReadonlyArray<readonly [string, string]> = [
  [`cos://AKX:${SECRET}@bkt-1250000000/?location=ap-guangzhou`, "cos://AKX:***@bkt-1250000000"],
  [`cos://AKX:SUPER%40${SECRET}@bkt-1250000000/d/?location=ap-guangzhou`, "cos://AKX:***@bkt-1250000000"],
  [`cos://AKX%3A${SECRET}%40bkt-1250000000/?location=ap-guangzhou`, "cos://AKX:***@bkt-1250000000"],
  [`oss://AKX:${SECRET}@bkt/?location=cn-hangzhou`, "oss://AKX:***@bkt"],
  [`qingstor://AKX:${SECRET}@bkt/?zone=pek3b`, "qingstor://AKX:***@bkt"],
  [`qingstor://${SECRET}@bkt/`, "qingstor://***@bkt"],
  [`fs://AKX:${SECRET}@/tmp/`, "fs://AKX:***@"],
  [`memory://AKX:${SECRET}@store/`, "memory://AKX:***@store"],
];

describe("user information in a connection string's name", () => {
  it("is refused with the secret masked, with and without --debug, for every service", async () => {
    for (const [loc, masked] of LOCATIONS) {
      for (const argv of [["ls", loc], ["--debug", "ls", loc], ["stat", "--debug", loc], ["cp", "-r", "--dry-run", loc, "./out/"], ["rm", "-r", "--dry-run", loc]]) {
        const r = await run(argv);
        expect([argv, r.stderr]).toEqual([argv, expect.not.stringContaining(SECRET)]);
        expect([argv, r.code, r.stdout]).toEqual([argv, 8, ""]);
        expect([argv, r.stderr]).toEqual([argv, expect.stringContaining(`ConnectionStringInvalid: ${masked}: a connection string takes no user or password`)]);
      }
    }
  });

  it("is refused the same way in a profile, whose origin is named", async () => {
    const profile = { STOWAGE_PROFILE_D: `cos://AKX:${SECRET}@bkt-1250000000/?location=ap-guangzhou` };
    for (const argv of [["ls", "d:"], ["--debug", "ls", "d:dir/"], ["rm", "d:x.txt"]]) {
      const r = await run(argv, { env: profile });
      expect(r.stderr).not.toContain(SECRET);
      expect([argv, r.code]).toEqual([argv, 8]);
      expect(r.stderr).toContain('profile "d" (from $STOWAGE_PROFILE_D): cos://AKX:***@bkt-1250000000: a connection string takes no user');
    }
  });

  it("leaves an ordinary connection string alone", async () => {
    const r = await run(["ls", "memory://userinfo-plain/"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });
});
