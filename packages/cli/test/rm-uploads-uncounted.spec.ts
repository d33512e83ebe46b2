/**
 * `rm -r` of the built binary against the COS emulator when the listing of unfinished multipart
 * uploads below the directory fails (the emulator answers ListMultipartUploads with 500, retries off):
 * the objects are deleted, the warning says the uploads could not be counted and how to list them,
 * and the exit code is that of the deletion (0), not of the failed count.
 * Skipped until the COS driver is built.
 */
import { describe, expect, it } from "@jest/globals";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary } from "./cli-run.js";
import { builtSuite } from "./helpers.js";

const BUCKET = "uncounted-1250000000";
const suite = builtSuite(["cos"]);

suite("rm -r on the COS emulator, when the unfinished uploads cannot be listed", () => {
  const ws = useWorkspace({ linkCosDriver: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
  const root = (): string => emu.emulator.connectionString(BUCKET, "/ru/").replace("?", "?max_retries=0&");
  const cli = binary(ws, { env: () => ({ STOWAGE_PROFILE_EMU: root() }) });

  it("deletes the objects, says the uploads could not be counted and how to list them, exits 0", async () => {
    const { newStorager } = await import("@stowage/core");
    await import("@stowage/cos");
    const store = newStorager(root());
    for (const key of ["t/a.txt", "t/sub/b.txt"]) await store.write(key, "x");
    await store.createMultipart("t/big.bin");
    emu.emulator.setFaults([{ kind: "status", status: 500, operation: "ListMultipartUploads" }]);
    try {
      const r = await cli(["rm", "-r", "--yes", "emu:t/"]);
      expect(r.code).toBe(0);
      const lines = r.stderr.split("\n").filter(Boolean);
      expect(lines[0]).toBe("rm: deleted 2 objects (2 B)");
      expect(lines[1]).toMatch(/^stowage: rm: unfinished multipart uploads below emu:t\/ could not be counted \(ServiceInternal\b.*\): stowage uploads emu:t\/ lists them$/);
      expect(lines).toHaveLength(2);
      expect(emu.emulator.faults()[0]?.fired).toBeGreaterThanOrEqual(1);
    } finally {
      emu.emulator.setFaults([]);
    }
    const left: string[] = [];
    for await (const o of store.list("t/", { mode: "prefix" })) left.push(o.path);
    expect(left).toEqual([]);
    expect((await cli(["uploads", "emu:t/"])).stdout).toContain("big.bin");
  });
});
