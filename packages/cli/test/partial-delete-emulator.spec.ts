/**
 * `rm -r` of the built binary against the COS emulator when its batch delete (POST ?delete) refuses
 * some keys with per-key `<Error>` entries (the emulator's `delete-key-errors` fault): one line per
 * path not deleted with its code and COS's, a summary counting what was really deleted, the first
 * failure's exit code, and exactly the refused keys left. partial-delete.spec.ts covers the same
 * through a fake service; this one goes through the COS driver and the wire.
 * Skipped until the COS driver is built.
 */
import { describe, expect, it } from "@jest/globals";
import { EXIT_CODES } from "../src/errors.js";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { binary } from "./cli-run.js";
import { builtSuite } from "./helpers.js";

const BUCKET = "partial-1250000000";
const suite = builtSuite(["cos"]);

suite("rm -r on the COS emulator, when the batch delete refuses some keys", () => {
  const ws = useWorkspace({ linkCosDriver: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
  const cli = binary(ws, { env: () => ({ STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, "/pd/") }) });

  it("names each refused path with its codes, counts only what was deleted, exits with the first failure's code; the refused keys stay", async () => {
    const { newStorager } = await import("@stowage/core");
    await import("@stowage/cos");
    const store = newStorager(emu.emulator.connectionString(BUCKET, "/pd/"));
    const files: Record<string, string> = { "t/a.txt": "a", "t/b.txt": "bb", "t/locked-1.txt": "ccc", "t/sub/c.txt": "dddd", "t/sub/locked\n2.txt": "eeeee" };
    for (const [key, body] of Object.entries(files)) await store.write(key, body);
    emu.emulator.setFaults([
      { kind: "delete-key-errors", keyPattern: "/locked-1\\.txt$" },
      { kind: "delete-key-errors", keyPattern: "/sub/locked\n2\\.txt$", code: "InvalidArgument", message: "refused here" },
    ]);
    emu.emulator.resetStats();
    try {
      const r = await cli(["rm", "-r", "--yes", "emu:t/"]);
      expect(r.stderr.split("\n").filter(Boolean)).toEqual([
        "stowage: rm locked-1.txt: not deleted: PermissionDenied (AccessDenied)",
        "stowage: rm sub/locked\\n2.txt: not deleted: InvalidArgument (InvalidArgument)",
        "rm: deleted 3 of 5 objects (7 B), failed 2",
      ]);
      // The first failure in the answer (the batch's key order) gives the exit code.
      expect(r.code).toBe(EXIT_CODES.PermissionDenied);
      // One batch request, answered for every key: no key is sent again one by one.
      expect(emu.emulator.stats().byOperation["DeleteObjects"]).toBe(1);
      expect(emu.emulator.stats().byOperation["DeleteObject"]).toBeUndefined();
      expect(emu.emulator.faults().map(({ matched, fired }) => ({ matched, fired }))).toEqual([
        { matched: 1, fired: 1 },
        { matched: 1, fired: 1 },
      ]);
    } finally {
      emu.emulator.setFaults([]);
    }
    const left: string[] = [];
    for await (const o of store.list("", { mode: "prefix" })) left.push(o.path);
    expect(left.sort()).toEqual(["t/locked-1.txt", "t/sub/locked\n2.txt"]);
  });
});
