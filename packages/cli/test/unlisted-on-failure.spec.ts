/**
 * A listing that left keys out and then failed: the command fails with its error, and what was
 * left out before the failure is still reported (the warning and the summary). Run in a child
 * process: listings report left-out keys with a process warning, which jest's sandbox does not deliver.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "@jest/globals";

const dist = (pkg: string): string => new URL(`../../${pkg}/dist/index.js`, import.meta.url).href;

/** Memory storage whose listing holds a key no path addresses on its first page, and fails on the second; then `ls` of it. */
const SCRIPT = `
const { ErrorCode, newStorager, registerService, storageError } = await import(${JSON.stringify(dist("core"))});
const { memoryService } = await import(${JSON.stringify(dist("memory"))});
const { main } = await import(${JSON.stringify(dist("cli"))});
registerService({
  ...memoryService,
  type: "unlistedfail",
  packageName: "unlistedfail",
  newStorageDriver(config) {
    const driver = memoryService.newStorageDriver(config);
    const listPage = driver.listPage.bind(driver);
    driver.listPage = async (request, options) => {
      if (request.token === "second") throw storageError(ErrorCode.ServiceInternal, "the second page failed", { statusCode: 500 });
      const page = await listPage(request, options);
      return { items: [...page.items, { key: "a\\\\b", mode: "file", size: 1 }], nextToken: "second" };
    };
    return driver;
  },
});
await newStorager("memory://unlisted-fail/").write("ok", "x");
const r = await main(["ls", "unlistedfail://unlisted-fail/"], { env: { HOME: process.env.HOME }, cwd: process.cwd() });
process.stdout.write(JSON.stringify(r));
`;

describe("a listing that left keys out, then failed", () => {
  it("reports what was left out before the error", () => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", SCRIPT], { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] });
    const r = JSON.parse(out) as { code: number; stdout: string; stderr: string };
    expect(r.stdout).toBe("ok\n");
    expect(r.stderr).toContain("the second page failed");
    expect(r.stderr).toContain('"a\\\\b"');
    expect(r.stderr).toContain("objects were left out");
    expect(r.code).not.toBe(0);
  });
});
