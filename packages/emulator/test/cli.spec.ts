import { describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCliArgs } from "../src/cli/args.js";
import { runCli } from "../src/cli/run.js";

const builtCli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("stowage-emulator CLI", () => {
  it("parses options", () => {
    const r = parseCliArgs(["--provider", "oss", "--port", "0", "--bucket", "a-bucket", "--bucket", "b-bucket", "--credential", "ak:s:k", "--tls", "--region", "cn-shanghai"]);
    expect(r.help).toBe(false);
    expect(r.options).toMatchObject({
      provider: "oss",
      port: 0,
      buckets: ["a-bucket", "b-bucket"],
      credentials: [{ accessKey: "ak", secretKey: "s:k" }],
      tls: true,
      region: "cn-shanghai",
    });
    expect(parseCliArgs(["--provider", "cos"]).options.port).toBe(9000);
    expect(parseCliArgs(["-h"]).help).toBe(true);
    expect(() => parseCliArgs(["--provider", "s3"])).toThrow(/--provider/);
    expect(() => parseCliArgs(["--provider", "cos", "--port", "x"])).toThrow(/--port/);
    expect(() => parseCliArgs(["--provider", "cos", "--credential", "nocolon"])).toThrow(/--credential/);
    expect(() => parseCliArgs(["--provider", "cos", "--nope"])).toThrow();
  });

  it("parses --restore-delay into restoreDelayMs (none by default); refuses one that is no whole number of ms", () => {
    expect(parseCliArgs(["--provider", "cos"]).options.restoreDelayMs).toBeUndefined();
    expect(parseCliArgs(["--provider", "oss", "--restore-delay", "60000"]).options.restoreDelayMs).toBe(60000);
    for (const bad of ["-1", "1.5", "x", ""]) expect(() => parseCliArgs(["--provider", "cos", "--restore-delay", bad])).toThrow(/--restore-delay/);
  });

  it("parses --allow-sse-c-over-http (off by default)", () => {
    expect(parseCliArgs(["--provider", "cos"]).options.allowSseCOverHttp).toBe(false);
    expect(parseCliArgs(["--provider", "cos", "--allow-sse-c-over-http"]).options.allowSseCOverHttp).toBe(true);
  });

  it("prints no connection string for a secret key holding ':' (it would be read as a shorter secret and a token), and says why", async () => {
    const lines: string[] = [];
    const emu = await runCli(["--provider", "cos", "--port", "0", "--bucket", "cli-1250000000", "--credential", "ak:s:k"], { log: (l) => lines.push(l), warn: () => undefined });
    try {
      const text = lines.join("\n");
      expect(text).not.toContain("credential=hmac:");
      expect(text).toContain("connection string: none printed: a secret key holding ':' cannot be written in a Stowage credential");
    } finally {
      await emu?.stop();
    }
  });

  it("starts an emulator and prints the endpoint and a connection string", async () => {
    const lines: string[] = [];
    const warnings: string[] = [];
    const emu = await runCli(["--provider", "cos", "--port", "0", "--bucket", "cli-1250000000", "--credential", "ak:sk"], { log: (l) => lines.push(l), warn: (l) => warnings.push(l) });
    try {
      expect(emu).toBeDefined();
      // On loopback (the default host) there is nothing to warn about.
      expect(warnings).toEqual([]);
      const text = lines.join("\n");
      expect(text).toContain(`listening on http://127.0.0.1:${emu!.port}`);
      expect(text).toContain(`connection string: cos://cli-1250000000/?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${emu!.port}&location=ap-guangzhou`);
      const health = await fetch(`${emu!.endpoint}/_emulator/health`);
      expect(health.status).toBe(200);
    } finally {
      await emu?.stop();
    }
  });

  it("with --tls, writes the CA to a file and the printed strings trust it through tls_ca=<path>", async () => {
    const lines: string[] = [];
    const emu = await runCli(["--provider", "oss", "--port", "0", "--bucket", "tls-bucket", "--tls"], { log: (l) => lines.push(l), warn: (l) => lines.push(l) });
    try {
      const text = lines.join("\n");
      const caFile = /CA certificate: (\S+)/.exec(text)![1]!;
      expect(readFileSync(caFile, "utf8")).toBe(emu!.ca);
      expect(text).toContain(`&endpoint=https:127.0.0.1:${emu!.port}&location=cn-hangzhou&tls_ca=${caFile}`);
      // In a fresh directory of its own, readable by this user only.
      expect(caFile).toMatch(/stowage-emulator-ca-[^/]+\/ca-\d+\.pem$/);
      expect(statSync(caFile).mode & 0o077).toBe(0);
      await emu!.stop();
      expect(existsSync(caFile)).toBe(false);
    } finally {
      await emu?.stop().catch(() => undefined);
    }
  });

  it("the built command stops cleanly on SIGTERM", async () => {
    expect(existsSync(builtCli)).toBe(true); // pnpm test builds first; alone: npx tsc -b
    const child = spawn(process.execPath, [builtCli, "--provider", "qingstor", "--port", "0", "--bucket", "sig-bucket"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("connection string:")) resolve();
      });
      child.once("exit", () => reject(new Error(`exited early: ${out}`)));
    });
    const endpoint = /listening on (\S+)/.exec(out)![1]!;
    expect((await fetch(`${endpoint}/_emulator/health`)).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(out).toContain("SIGTERM, stopping");
  });
});
