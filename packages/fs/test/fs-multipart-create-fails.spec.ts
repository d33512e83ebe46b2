import { promises as realFs } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// An upload whose record cannot be written (a full disk: its directory made, the record not, as a
// probe on a full tmpfs saw) must leave nothing behind: no upload id names it, so nothing would
// ever remove it. The failure is made deterministic by wrapping node:fs/promises `open`: the
// upload record's temp file is made, then its write (through the handle) fails with ENOSPC.

let failRecord = false;
jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  open: async (path: string, flags?: string | number, mode?: number) => {
    const file = await realFs.open(path, flags, mode);
    // The upload record (its temp file is reached through the pinned directory: /proc/self/fd/<fd>/...).
    const writeFile = file.writeFile.bind(file) as (data: string) => Promise<void>;
    Object.assign(file, {
      writeFile: async (data: string): Promise<void> => {
        if (failRecord && typeof data === "string" && data.startsWith('{"key":')) {
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
        }
        return writeFile(data);
      },
    });
    return file;
  },
}));

const { newStorager } = await import("@stowage/core");
await import("../src/index.js");
const { sandbox } = await import("./setup.js");
const { expectCode } = await import("./helpers.js");

let s: Awaited<ReturnType<typeof sandbox>>;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  failRecord = false;
  await s.cleanup();
});

describe("fs multipart: an upload that could not be started", () => {
  it("leaves no upload directory (nor the staging directory it made) when its record cannot be written", async () => {
    failRecord = true;
    await expectCode(s.driver.createMultipart!(s.key("big"), {}), "ServiceInternal");
    expect(await realFs.readdir(s.root)).toEqual([]);
    const store = newStorager(`fs://${s.root}/`);
    const uploads: string[] = [];
    for await (const u of store.list("", { mode: "part" })) uploads.push(u.path);
    expect(uploads).toEqual([]);
  });

  it("keeps the staging directory and the other uploads in it", async () => {
    const { multipartId } = await s.driver.createMultipart!(s.key("kept"), {});
    failRecord = true;
    await expectCode(s.driver.createMultipart!(s.key("big"), {}), "ServiceInternal");
    expect(await realFs.readdir(join(s.root, ".stowage-multipart"))).toEqual([multipartId]);
  });
});
