/**
 * Connection strings echoed by the built binary are redacted by their structure (review-security
 * H1, L1): `stowage profiles` and the location in an error line hide a secret whole when it holds a
 * blank or a tab or is cut at an unencoded `&` (the segment after it is hidden as its likely tail),
 * and a location that ends with a secret pair keeps the `: ` before the error.
 */
import { describe, expect, it } from "@jest/globals";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { binary } from "./cli-run.js";
import { useWorkspace } from "./workspace.js";

const ws = useWorkspace();
const cli = binary(ws);

describe("secrets in echoed connection strings", () => {
  it("stowage profiles hides a secret with a space, a tab or an unencoded &, and what follows an &", async () => {
    const file = join(ws.work, "profiles.json");
    await writeFile(file, JSON.stringify({ profiles: { tabbed: "cos://b-1250000000/?credential=hmac:AK:abc\tTABSECRET&location=ap-guangzhou" } }));
    await chmod(file, 0o600);
    const r = await cli(["--config", file, "profiles"], {
      env: {
        STOWAGE_PROFILE_SP: "cos://clitest-1250000000/?credential=hmac:AKIDcli:abc DEFSECRET&endpoint=https:127.0.0.1:39401&location=ap-guangzhou",
        STOWAGE_PROFILE_AMP: "cos://clitest-1250000000/?credential=hmac:AKIDcli:abc&DEFSECRET&location=ap-guangzhou",
        STOWAGE_PROFILE_AMP2: "cos://clitest-1250000000/?credential=hmac:AKIDcli:abc&DEF=SECRET2&max_retries=1",
        STOWAGE_PROFILE_TOKEN: "cos://clitest-1250000000/?credential=env&security_token=tok ENDTOKEN&location=ap-guangzhou",
      },
    });
    expect(r.code).toBe(0);
    for (const secret of ["DEFSECRET", "SECRET2", "TABSECRET", "ENDTOKEN", "AKIDcli", "abc"]) expect(r.stdout).not.toContain(secret);
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual([
      "amp\tcos://clitest-1250000000/?credential=hmac:***&***&location=ap-guangzhou\t(env)",
      // The COS driver is loaded to tell its pairs (max_retries) from a secret's tail.
      "amp2\tcos://clitest-1250000000/?credential=hmac:***&***&max_retries=1\t(env)",
      "sp\tcos://clitest-1250000000/?credential=hmac:***&endpoint=https:127.0.0.1:39401&location=ap-guangzhou\t(env)",
      `tabbed\tcos://b-1250000000/?credential=hmac:***&location=ap-guangzhou\t(${file})`,
      "token\tcos://clitest-1250000000/?credential=env&security_token=***&location=ap-guangzhou\t(env)",
    ]);
  });

  it("an error line names a location ending with a secret pair, then `: ` and the error, the secrets hidden whole", async () => {
    const loc = "cos://b-1250000000/x.txt?location=ap-guangzhou&credential=hmac:AK:abc DEFSECRET&max_retries=0&server_side_encryption_customer_key=AAAA BBBBKEY";
    const r = await cli(["cat", loc]);
    expect(r.code).toBe(8);
    expect(r.stderr).not.toMatch(/DEFSECRET|BBBBKEY|abc/);
    // max_retries, right after the secret, is shown: the COS driver, loaded to open the location, knows it.
    expect(r.stderr).toContain(
      "stowage: cat cos://b-1250000000/x.txt?location=ap-guangzhou&credential=hmac:***&max_retries=0&server_side_encryption_customer_key=***: ConnectionStringInvalid: ",
    );
    // An unencoded & in the secret: its tail is hidden, not named.
    const amp = await cli(["cat", "cos://b-1250000000/x.txt?location=ap-guangzhou&credential=hmac:AK:abc&DEFSECRET"]);
    expect(amp.code).toBe(8);
    expect(amp.stderr).not.toContain("DEFSECRET");
    expect(amp.stderr).toContain("stowage: cat cos://b-1250000000/x.txt?location=ap-guangzhou&credential=hmac:***&***: ConnectionStringInvalid: unknown pair (not shown)");
  });
});
