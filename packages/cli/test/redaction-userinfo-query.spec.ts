/**
 * Secrets the CLI showed (review-tail9):
 * - H1: URL user information whose password holds `?` (`cos://AKID:wJal/K7?MDQX/bPx@bucket/d/`) is
 *   masked by `stowage profiles` and refused (exit 8) before any pair is read, nothing of it quoted;
 * - H2: a bad percent-escape after a secret pair names no key (`credential=hmac:AK:ab&TAILQX=%zz`);
 * - M1: an `endpoint` URL whose password holds an unencoded `&` is masked by `stowage profiles`,
 *   and its error does not quote the "port".
 * In process; nothing is sent anywhere.
 */
import { describe, expect, it } from "@jest/globals";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

const QUERIED = "cos://AKID:wJal/K7?MDQX/bPx@b-1250000000/d/";
const TAIL = "cos://AKID:ab?TAILQX=1@b-1250000000/d/";
const ENDPOINT = "cos://b-1250000000/d/?endpoint=https://u:SEC&RETQX@127.0.0.1:1&location=ap-guangzhou";
const BAD_ESCAPE = "cos://b-1250000000/d/?credential=hmac:AK:ab&TAILQX=%zz&location=ap-guangzhou";

describe("stowage profiles (review-tail9 H1, M1)", () => {
  it("masks a password holding ? and an endpoint password cut at &", async () => {
    const env = { STOWAGE_PROFILE_Q: TAIL, STOWAGE_PROFILE_Q2: QUERIED, STOWAGE_PROFILE_E: ENDPOINT };
    const r = await run(["profiles"], { env });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    for (const piece of ["TAILQX", "MDQX", "bPx", "wJal", "SEC", "RETQX"]) expect(r.stdout).not.toContain(piece);
    expect(r.stdout).toContain("q\tcos://AKID:***@b-1250000000/d/\t(env)");
    expect(r.stdout).toContain("q2\tcos://AKID:***@b-1250000000/d/\t(env)");
    expect(r.stdout).toContain("e\tcos://b-1250000000/d/?endpoint=https://u:***&***&location=ap-guangzhou\t(env)");
  });
});

describe("opening (review-tail9 H1, H2, M1)", () => {
  it("refuses user information whose password holds ? before any pair is read", async () => {
    for (const argv of [["ls", TAIL], ["ls", QUERIED], ["--debug", "stat", QUERIED]]) {
      const r = await run(argv);
      expect([argv, r.code, r.stdout]).toEqual([argv, 8, ""]);
      for (const piece of ["TAILQX", "MDQX", "bPx", "wJal"]) expect([argv, r.stderr]).not.toEqual([argv, expect.stringContaining(piece)]);
      expect(r.stderr).toContain("cos://AKID:***@b-1250000000: a connection string takes no user or password");
    }
    const profile = await run(["ls", "q:"], { env: { STOWAGE_PROFILE_Q: TAIL } });
    expect([profile.code, profile.stderr.includes("TAILQX")]).toEqual([8, false]);
    expect(profile.stderr).toContain('profile "q" (from $STOWAGE_PROFILE_Q): cos://AKID:***@b-1250000000: a connection string takes no user');
  });

  it("names no key after a secret pair, and no endpoint password as a port", async () => {
    const bad = await run(["ls", BAD_ESCAPE]);
    expect(bad.code).toBe(8);
    expect(bad.stderr).toContain("has a bad percent-escape");
    expect(bad.stderr).not.toContain("TAILQX");
    const endpoint = await run(["ls", ENDPOINT]);
    expect(endpoint.code).toBe(8);
    expect(endpoint.stderr).toContain("port (not shown)");
    expect(endpoint.stderr).not.toContain("SEC");
  });
});
