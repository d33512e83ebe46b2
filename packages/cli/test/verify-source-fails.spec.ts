/**
 * `stowage verify` compares the source's objects as they are listed, so a source listing that fails
 * part-way (here: the COS emulator answers the source bucket's second ListObjects page with 500)
 * comes after differences were printed. The command then ends with the listing's error code (15),
 * the differences printed stand, and a line on stderr says the comparison stopped part-way and how
 * many source objects were compared; no summary, no extras (the destination was not gone through).
 */
import { describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const SRC = "vsrc-1250000000";
const DST = "vdst-1250000000";
const ws = useWorkspace({ prefix: "stowage-verify-src-fails-" });
const run = inProcess(ws);
const emu = useEmulator({ provider: "cos", buckets: [SRC, DST] });
const conn = (bucket: string): string => `${emu.emulator.connectionString(bucket, "/")}&max_retries=0`;

/** Writes `keys` (each holding its own name, or `body(key)`) into `store`, 100 at a time. */
async function fill(store: Storager, keys: readonly string[], body: (key: string) => string = (k) => k): Promise<void> {
  for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => store.write(k, body(k))));
}

describe("verify: the source listing fails part-way", () => {
  it("exits with the listing's code, keeps the differences printed, and says how many source objects were compared", async () => {
    // 1,010 objects: a first page of 1,000 and a second of 10. The destination lacks two of the
    // first page, holds one with other bytes, and has an extra one.
    const keys = Array.from({ length: 1010 }, (_, i) => `d/o${String(i).padStart(4, "0")}`);
    await fill(newStorager(conn(SRC)), keys);
    await fill(
      newStorager(conn(DST)),
      [...keys.filter((k) => k !== "d/o0003" && k !== "d/o0005"), "d/zz-extra"],
      (k) => (k === "d/o0007" ? "other bytes" : k),
    );
    emu.emulator.setFaults([{ kind: "status", status: 500, bucket: SRC, operation: "ListObjects", skip: 1 }]);
    emu.emulator.resetStats();
    try {
      const env = { STOWAGE_PROFILE_S: conn(SRC), STOWAGE_PROFILE_D: conn(DST) };
      const r = await run(["verify", "s:d/", "d:d/"], { env });
      expect(r.code).toBe(15);
      expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual(["mismatch  o0007: size differs: expected 7, found 11", "missing   o0003", "missing   o0005"]);
      const lines = r.stderr.split("\n").filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(
        "stowage: verify stopped part-way: the source listing failed after comparing 1000 source objects (the differences printed stand; the rest of the source, and what the destination has extra, were not compared)",
      );
      expect(lines[1]).toMatch(/^stowage: ServiceInternal: /);
      // The source's second page was asked for once (no retries), and failed.
      expect(emu.emulator.faults()[0]).toMatchObject({ fired: 1 });
    } finally {
      emu.emulator.setFaults([]);
    }
  });

  it("a source listing that fails on its first page prints no difference and no such line", async () => {
    emu.emulator.setFaults([{ kind: "status", status: 500, bucket: SRC, operation: "ListObjects" }]);
    try {
      const env = { STOWAGE_PROFILE_S: conn(SRC), STOWAGE_PROFILE_D: conn(DST) };
      const r = await run(["verify", "s:d/", "d:d/"], { env });
      expect(r.code).toBe(15);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toContain("stopped part-way");
      expect(r.stderr).toMatch(/^stowage: ServiceInternal: /);
    } finally {
      emu.emulator.setFaults([]);
    }
  });
});
