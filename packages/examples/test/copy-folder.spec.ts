import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Runs the built example as `pnpm example` does (`pnpm test` builds before jest runs).
const script = fileURLToPath(new URL("../dist/copy-folder.js", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("examples/copy-folder", () => {
  it("copies the sample through memory to fs and verifies every object (the multipart one included)", async () => {
    expect(existsSync(script)).toBe(true); // else: build first (tsc -b)
    const { code, stdout, stderr } = await run();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const path of ["README.txt", "notes/2026/november.md", "notes/数据.txt", "random.bin", "table of sizes.csv"]) {
      expect(stdout).toContain(`  ok   ${path} `);
    }
    expect(stdout).toMatch(/fs → memory {2}random\.bin \(6291456 B in 6 parts, crc64 \d+\)/);
    expect(stdout).not.toContain("FAIL");
    expect(stdout).toMatch(/^5 objects, 6291680 bytes, 0 mismatches$/m);
  });
});
