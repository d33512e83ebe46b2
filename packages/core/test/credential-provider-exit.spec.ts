/**
 * A credential provider whose promise never settles and holds no handle: the process must neither
 * exit in the middle of a caller's `await` (the caller gets the timeout's PermissionDenied), nor be
 * held open once the caller aborted. Both need a process of their own, run from compiled sources.
 */
import { describe, expect, it } from "@jest/globals";
import { runCompiled } from "./compiled-core.js";

/** What the scripts import: the HTTP client and the credential sources, as drivers use them. */
const DIRS = ["errors", "io", "http", "pairs", "registry"];

/** A script calling a client that signs with a provider that never answers, bounded by `timeoutMs`; `body` makes the call. */
function script(timeoutMs: number, body: string[]): string {
  return [
    'import { HttpClient } from "./http/http-client.js";',
    'import { providedCredentialSource } from "./registry/provided-credential-source.js";',
    'import { SigningCredentials } from "./registry/signing-credentials.js";',
    `const source = providedCredentialSource(() => new Promise(() => {}), { keys: ["id", "secret"] }, Date.now, { timeoutMs: ${timeoutMs} });`,
    "const signing = new SigningCredentials(source);",
    'const client = new HttpClient({ service: "test", sign: async (r) => { r.headers["x-key"] = (await signing.for(r)).id; } });',
    // Never sent: signing does not finish. Port 9 (discard) on 127.0.0.1 in case it were.
    'const request = { method: "GET", protocol: "http", host: "127.0.0.1", port: 9, path: "/k", headers: {} };',
    "const report = (e) => console.log(JSON.stringify({ code: e?.code, retryable: e?.retryable, message: e?.message }));",
    ...body,
  ].join("\n");
}

describe("a credential provider that never settles and holds no handle", () => {
  it("does not let Node exit in the middle of the caller's await: the caller gets the timeout's PermissionDenied", () => {
    const run = runCompiled(
      script(200, [
        "try {",
        "  await client.sendBuffered(request);",
        '  console.log("sent");',
        "} catch (e) {",
        "  report(e);",
        "  process.exitCode = 3;",
        "}",
      ]),
      [],
      30_000,
      DIRS,
    );
    // Before the fix: status 13 ("unsettled top-level await"), nothing printed.
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
    const e = JSON.parse(run.stdout) as { code: string; retryable: boolean; message: string };
    expect(e).toMatchObject({ code: "PermissionDenied", retryable: true });
    expect(e.message).toContain("did not answer within 200 ms");
  }, 40_000);

  it("does not hold the process open once the waiting caller aborted (a 60 s credential_timeout, a 20 s kill timer)", () => {
    const run = runCompiled(
      script(60_000, [
        "const controller = new AbortController();",
        "const call = client.sendBuffered(request, { signal: controller.signal });",
        "setTimeout(() => controller.abort(), 50);",
        "try {",
        "  await call;",
        '  console.log("sent");',
        "} catch (e) {",
        "  report(e);",
        "}",
        // Nothing else to do: the process must end here, not 60 s later.
      ]),
      [],
      20_000,
      DIRS,
    );
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ code: "Aborted" });
  }, 30_000);
});
