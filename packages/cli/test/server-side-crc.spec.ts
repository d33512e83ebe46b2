/**
 * A server-side copy within memory or COS, whose listings carry no CRC-64: the source's CRC-64 comes
 * from one stat, so the copy is checked against it (counted verified without --verify), and a copy
 * that holds other bytes of the same size is caught (IntegrityMismatch, exit 13, the copy deleted).
 */
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { newStorager, type CopyOptions, type Storager } from "@stowage/core";
import { bytes } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { keyLocation, useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const BUCKET = "server-side-crc-1250000000";
/** The prototype every storager shares (to hook its copies). */
const proto = Object.getPrototypeOf(newStorager("memory://server-side-crc-probe/")) as Storager;
const ws = useWorkspace();
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
const run = inProcess(ws);
type Stats = { objects: { copied: number; verified: number; mismatched: number; failed: number }; bytes: { sent: number; serverSide: number } };

afterEach(() => {
  jest.restoreAllMocks();
});

/** `path` in the bucket, as a connection string. */
const cos = (path: string): string => keyLocation(emu.emulator, BUCKET, path);

describe.each([
  ["memory", (path: string) => `memory://server-side-crc/${path}`],
  ["cos", (path: string) => cos(path)],
])("a server-side copy on %s", (_service, at) => {
  it("is verified by CRC-64 without --verify", async () => {
    const root = newStorager(at(""));
    await root.write("a/one.bin", bytes(5000, 1));
    await root.write("a/two.bin", bytes(7000, 2));
    const r = await run(["cp", "-r", "--stats-json", "--quiet", at("a/"), at("b/")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout) as Stats).toMatchObject({ objects: { copied: 2, verified: 2 }, bytes: { sent: 0, serverSide: 12000 } });
  });

  it("that holds other bytes of the same size fails verification: exit 13, the copy deleted", async () => {
    const root = newStorager(at(""));
    await root.write("c/f.bin", bytes(5000, 3));
    const copy = proto.copy;
    // The service's copy goes wrong: same size, other bytes.
    jest.spyOn(proto, "copy").mockImplementation(async function (this: Storager, from: string, to: string, options?: CopyOptions) {
      await copy.call(this, from, to, options);
      await this.write(to, bytes(5000, 4));
    });
    const r = await run(["cp", "-r", "--stats-json", at("c/"), at("d/")]);
    expect(r.code).toBe(13);
    expect(r.stderr).toContain("verification failed (crc64)");
    expect(JSON.parse(r.stdout.trim()) as Stats).toMatchObject({ objects: { copied: 0, mismatched: 1, failed: 1 } });
    await expect(root.stat("d/f.bin")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
