import { describe, expect, it } from "@jest/globals";
import { exposureWarning } from "../src/cli/exposure-warning.js";
import { runCli } from "../src/cli/run.js";
import { isLoopbackHost } from "../src/server/host-names.js";
import { DEFAULT_CREDENTIAL } from "../src/options.js";

describe("stowage-emulator: a warning when it listens beyond loopback", () => {
  it("warns on stderr, not stdout, for --host 0.0.0.0, and still listens", async () => {
    const lines: string[] = [];
    const warnings: string[] = [];
    const emu = await runCli(["--provider", "oss", "--port", "0", "--host", "0.0.0.0"], { log: (l) => lines.push(l), warn: (l) => warnings.push(l) });
    try {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^stowage-emulator: warning: listening on every network interface \(--host 0\.0\.0\.0\)/);
      expect(warnings[0]).toContain("the default credential, which is published");
      expect(warnings[0]).toContain("admin routes");
      expect(lines.join("\n")).not.toContain("warning");
      expect((await fetch(`http://127.0.0.1:${emu!.port}/_emulator/health`)).status).toBe(200);
    } finally {
      await emu?.stop();
    }
  });

  it("stays quiet on loopback hosts", async () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "app.localhost"]) {
      expect(isLoopbackHost(host)).toBe(true);
      expect(exposureWarning(host, DEFAULT_CREDENTIAL)).toBeUndefined();
    }
    const warnings: string[] = [];
    const emu = await runCli(["--provider", "cos", "--port", "0", "--host", "localhost"], { log: () => undefined, warn: (l) => warnings.push(l) });
    await emu?.stop();
    expect(warnings).toEqual([]);
  });

  it("names the host and the credential in use", () => {
    expect(exposureWarning("::", DEFAULT_CREDENTIAL)).toContain("every network interface (--host ::)");
    const lan = exposureWarning("192.168.1.20", { accessKey: "AKID", secretKey: "own-secret" });
    expect(lan).toContain("listening on 192.168.1.20, not loopback");
    expect(lan).toContain("with its credential,");
    expect(lan).not.toContain("own-secret");
    for (const host of ["0.0.0.0", "192.168.1.20", "10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "my-box.lan", "128.0.0.1"]) {
      expect(isLoopbackHost(host)).toBe(false);
      expect(exposureWarning(host, DEFAULT_CREDENTIAL)).toMatch(/warning/);
    }
  });
});
