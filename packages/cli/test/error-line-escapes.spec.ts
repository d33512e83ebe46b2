/**
 * Error and warning lines carry text the CLI does not choose: a service's error message, which a
 * hostile or compromised endpoint (or a man in the middle of an `http:` endpoint) writes (security
 * review L1). It was printed raw: ESC sequences (clear the screen, OSC set the title), BEL, an 8-bit
 * CSI (U+009B) and RLO (U+202E) reached the terminal. Now such lines are escaped as keys are
 * (shown-path.ts), a backslash left as it is. In process (`main`), against a local HTTP server that
 * speaks COS.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { ErrorCode, storageError, UNLISTED_KEYS_WARNING } from "@stowage/core";
import { CliContext, describeError, main } from "../src/index.js";
import { UnlistedReport } from "../src/unlisted.js";
import { useWorkspace } from "./workspace.js";

const ESC = "\x1b";
const HOSTILE = `denied ${ESC}[2J${ESC}]0;OWNED\x07 \u009b2J \u202egnp.exe`;
const ESCAPED = "denied \\x1b[2J\\x1b]0;OWNED\\x07 \\u009b2J \\u202egnp.exe";
/** Any character that must never reach the terminal raw (a line break aside). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/** A "COS" endpoint whose listing holds `a.txt` and whose every other answer is a 403 with {@link HOSTILE}. */
let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "GET" && url.searchParams.has("prefix")) {
      res.writeHead(200, { "content-type": "application/xml", "x-cos-request-id": "rid" });
      res.end(
        `<?xml version="1.0"?><ListBucketResult><Name>esc-1250000000</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1000</MaxKeys>` +
          `<IsTruncated>false</IsTruncated><Contents><Key>a.txt</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag>` +
          `<Size>1</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>`,
      );
      return;
    }
    res.writeHead(403, { "content-type": "application/xml", "x-cos-request-id": "rid" });
    res.end(`<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>${HOSTILE}</Message><RequestId>rid</RequestId></Error>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ws = useWorkspace();

const at = (path: string): string =>
  `cos://esc-1250000000/${path}?credential=hmac:AKID:SECRETKEY&endpoint=http:127.0.0.1:${port}&location=ap-guangzhou&max_retries=0`;

describe("a service's error message with terminal controls", () => {
  it("is escaped in a command's error line (stowage cat)", async () => {
    const r = await main(["cat", at("x.txt")], { env: ws.env, cwd: ws.work });
    expect(r.code).toBe(4);
    // The line names the command and the operand (its secret redacted), as a transfer's failure names its path.
    expect(r.stderr).toMatch(/^stowage: cat cos:\/\/esc-1250000000\/x\.txt\?credential=hmac:\*\*\*&\S*: PermissionDenied: /);
    expect(r.stderr).toContain(`: PermissionDenied: get_object: AccessDenied: ${ESCAPED} (op=read`);
    expect(r.stderr).not.toContain("SECRETKEY");
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr.split("\n")).toHaveLength(2);
  });

  it("is escaped in a transfer's failure line, in --debug's stack lines too", async () => {
    const r = await main(["cp", "-r", "--no-checkpoint", at(""), "./out/"], { env: ws.env, cwd: ws.work });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`stowage: cp a.txt: PermissionDenied: get_object: AccessDenied: ${ESCAPED}`);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    const debug = await main(["--debug", "cat", at("x.txt")], { env: ws.env, cwd: ws.work });
    expect(debug.stderr.split("\n").length).toBeGreaterThan(3);
    expect(debug.stderr).toContain(ESCAPED);
    expect(debug.stderr).not.toMatch(RAW_CONTROL);
    expect(debug.stderr).not.toContain("SECRETKEY");
  });
});

describe("describeError and warnings", () => {
  it("escape C0, C1 and bidirectional controls as keys are, leave a backslash and unicode as they are", () => {
    const e = storageError(ErrorCode.ServiceInternal, `boom ${ESC}[31mred\r\u0085\u2066x\u2069 C:\\dir\\f.txt café`, { op: "read" });
    const line = describeError(e);
    expect(line).toContain("boom \\x1b[31mred\\r\\u0085\\u2066x\\u2069 C:\\dir\\f.txt café");
    expect(line).not.toMatch(RAW_CONTROL);
    // A key shownPath already escaped into a message is not escaped twice; a line break still folds.
    expect(describeError(new Error("key a\\x1b.txt\nsecond line"))).toBe("unexpected error: key a\\x1b.txt second line");
    // Redaction still applies.
    expect(describeError(new Error(`credential=hmac:AK:SEKRIT ${ESC}`))).not.toContain("SEKRIT");
  });

  it("is total: a value whose toString, message, stack or cause throws gives a line, with or without debug", () => {
    const boom = (): never => {
      throw new Error("getter ran");
    };
    const unprintable = { toString: boom };
    expect(describeError(unprintable)).toBe("unexpected error: (object)");
    expect(describeError(Object.create(null))).toBe("unexpected error: (object)");
    const noMessage = Object.defineProperty(Object.defineProperty(new Error("x"), "stack", { value: "Error: inner\n    at somewhere" }), "message", { get: boom });
    expect(describeError(noMessage)).toBe("unexpected error: (object)");
    const noCause = Object.defineProperty(new Error(`outer ${ESC}`), "cause", { get: boom });
    const debug = describeError(noCause, true).split("\n");
    expect(debug[0]).toBe("unexpected error: outer \\x1b");
    expect(debug.some((l) => l.startsWith("caused by"))).toBe(false);
    const noStack = Object.defineProperty(new Error("outer", { cause: noMessage }), "stack", { get: boom });
    expect(describeError(noStack, true)).toBe("unexpected error: outer\ncaused by: (object)\nError: inner\n    at somewhere");
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(describeError(revoked.proxy, true)).toBe("unexpected error: (object)");
  });

  it("CliContext.warn and info escape them too", () => {
    const stderr = new PassThrough();
    const chunks: string[] = [];
    stderr.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: ws.env, cwd: ws.work, stderrIsTTY: false, stdinIsTTY: false };
    const ctx = new CliContext(io, { debug: false, quiet: false, progress: "none", progressInterval: 2 }, new AbortController().signal);
    ctx.warn(`the source read failed (${HOSTILE}); copying it again`);
    ctx.info(`note \u202eevil`);
    expect(chunks.join("")).toBe(`stowage: the source read failed (${ESCAPED}); copying it again\nnote \\u202eevil\n`);
  });

  it("a warning of keys left out of a listing escapes what JSON quoting leaves raw (C1, bidirectional controls)", () => {
    const lines: string[] = [];
    const report = new UnlistedReport((line) => lines.push(line));
    const message = `1 key in the cos listing of "" not listed: ${JSON.stringify("a\\b\u202etxt.exe\u009b")} (a backslash)`;
    report.run(() => report.onWarning(Object.assign(new Error(message), { code: UNLISTED_KEYS_WARNING })));
    expect(lines).toEqual(['stowage: warning: 1 key in the cos listing of "" not listed: "a\\\\b\\u202etxt.exe\\u009b" (a backslash)\n']);
  });
});
