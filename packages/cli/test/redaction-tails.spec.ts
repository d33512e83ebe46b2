/**
 * Secrets the redaction used to show in part, and error lines it used to cut short (review-session7):
 * - H1: the tail of a secret cut at an unencoded `&` is hidden by `stowage profiles` even when it
 *   ends like a secret's name (`…&W0RDpassword`), or when the key is `CREDENTIAL`/`Credential`;
 * - H2: URL user information whose password holds `/` (`cos://AKIDx:wJal/K7MD@bucket/dir/`) is
 *   masked by `stowage profiles` and refused (exit 8) before any driver quotes the name;
 * - L1: an error line about a key holding `sig=`, `api_key=`... keeps its error code and message.
 * In process; nothing is sent anywhere.
 */
import { describe, expect, it } from "@jest/globals";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

const SLASHED = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/** The pieces (4 characters or more) of `secret` that `text` shows. */
function pieces(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 4 <= secret.length; i++) if (text.includes(secret.slice(i, i + 4))) found.push(secret.slice(i, i + 4));
  return found;
}

describe("stowage profiles hides the whole secret", () => {
  it("a tail named as a secret, a key in another case, a password holding /", async () => {
    const env = {
      STOWAGE_PROFILE_LEAK: "cos://b-1250000000/?credential=hmac:AKID:p4ss&W0RDpassword",
      STOWAGE_PROFILE_UP: "cos://b-1250000000/?CREDENTIAL=hmac:AKID:p4ss&W0RDSEKRET",
      STOWAGE_PROFILE_UI: `cos://AKIDx:${SLASHED}@b-1250000000/dir/`,
      STOWAGE_PROFILE_PLAIN: "cos://b-1250000000/users/a@b.com/?location=ap-guangzhou",
    };
    const r = await run(["profiles"], { env });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).not.toContain("W0RD");
    expect(pieces(r.stdout, SLASHED)).toEqual([]);
    expect(r.stdout).toContain("leak\tcos://b-1250000000/?credential=hmac:***&***\t(env)");
    expect(r.stdout).toContain("up\tcos://b-1250000000/?CREDENTIAL=hmac:***&***\t(env)");
    expect(r.stdout).toContain("ui\tcos://AKIDx:***@b-1250000000/dir/\t(env)");
    expect(r.stdout).toContain("plain\tcos://b-1250000000/users/a@b.com/?location=ap-guangzhou\t(env)");
  });
});

describe("user information whose password holds /", () => {
  it("is refused before any driver quotes the name, the password masked", async () => {
    for (const loc of [`cos://AKIDx:${SLASHED}@b-1250000000/dir/`, `oss://LTAI5t:${SLASHED}@bkt/d/?location=cn-hangzhou`, `memory://AK:${SLASHED}@store/`]) {
      for (const argv of [["ls", loc], ["--debug", "stat", loc]]) {
        const r = await run(argv);
        expect([argv, pieces(r.stderr, SLASHED)]).toEqual([argv, []]);
        expect([argv, r.code, r.stdout]).toEqual([argv, 8, ""]);
        expect(r.stderr).toContain(":***@");
        expect(r.stderr).toContain("a connection string takes no user or password");
      }
    }
    const profile = await run(["ls", "ui:"], { env: { STOWAGE_PROFILE_UI: `cos://AKIDx:${SLASHED}@b-1250000000/dir/` } });
    expect([profile.code, pieces(profile.stderr, SLASHED)]).toEqual([8, []]);
    expect(profile.stderr).toContain('profile "ui" (from $STOWAGE_PROFILE_UI): cos://AKIDx:***@b-1250000000: a connection string takes no user');
  });

  it("leaves a directory that merely holds @ alone", async () => {
    const r = await run(["ls", "memory://userinfo-at/users/a@b.com/"]);
    // Opened (nothing is there): not refused as user information, and shown as typed.
    expect([r.code, r.stderr]).toEqual([3, expect.stringContaining("memory://userinfo-at/users/a@b.com/ does not exist")]);
  });
});

describe("an error line about a key holding name=value", () => {
  it("keeps its error code and message, the value hidden", async () => {
    // A local path is shown as typed: the whole line is redacted once.
    const stat = await run(["stat", "./logs/sig=2024/a.txt"]);
    expect([stat.code, stat.stderr]).toEqual([3, 'stowage: ObjectNotExist: ./logs/sig=*** does not exist: no such object (op=stat, service=fs, path="a.txt")\n']);
    const cat = await run(["cat", "./data/api_key=old.json"]);
    expect([cat.code, cat.stderr]).toEqual([3, 'stowage: ObjectNotExist: ./data/api_key=*** does not exist: no such object (op=read, service=fs, path="api_key=***")\n']);
    const ls = await run(["ls", "memory://l1-keys/logs/sig=2024/"]);
    expect([ls.code, ls.stderr]).toEqual([3, 'stowage: ObjectNotExist: memory://l1-keys/logs/sig=*** does not exist (op=ls, service=memory, path="sig=***")\n']);
  });
});
