/**
 * review-bigtree L3: an object refused for good (an over-long key: InvalidArgument, not retryable)
 * prints its path once in its failure line, not again as the context's `path=`, and the run,
 * keeping its checkpoint, does not tell to run the same command again to resume (the rerun fails
 * the same way); a retryable failure still does. "picky" (memory underneath) refuses the write of
 * a key starting with `long-` with InvalidArgument, and of `busy-` with a retryable ServiceInternal.
 */
import { describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { ErrorCode, storageError } from "@stowage/core";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { inProcess } from "./cli-run.js";
import { writeTree } from "./helpers.js";

const ws = useWorkspace();
const run = inProcess(ws);

useMemoryVariant("picky", (driver) => {
  const write = driver.write.bind(driver);
  driver.write = (key, body, options) => {
    if (key.startsWith("long-")) return Promise.reject(storageError(ErrorCode.InvalidArgument, "the key is too long for this service", { op: "write", service: "picky", path: key }));
    if (key.startsWith("busy-")) return Promise.reject(storageError(ErrorCode.ServiceInternal, "the service is busy", { op: "write", service: "picky", path: key, retryable: true }));
    return write(key, body, options);
  };
  return driver;
});

const LONG = `long-${"x".repeat(150)}.txt`;

describe("a failed object's line and the checkpoint line", () => {
  it("a permanent refusal of a long key: its path once, and no 'again to resume'", async () => {
    await writeTree(join(ws.work, "perm"), { [LONG]: "long", "ok.txt": "fine" });
    const r = await run(["sync", "perm/", "picky://perm/"]);
    expect(r.code).not.toBe(0);
    const line = r.stderr.split("\n").find((l) => l.includes("too long for this service"));
    expect(line).toBeDefined();
    expect(line!.split(LONG)).toHaveLength(2);
    expect(line).toContain("InvalidArgument: the key is too long for this service (op=write, service=picky)");
    expect(r.stderr).toContain("checkpoint kept at ");
    expect(r.stderr).not.toContain("again to resume");
    expect(r.stderr).toContain("the failures above come from the objects or the command as given: running the same command again meets them again until those are changed");
  });

  it("a short path stays in the context; a retryable failure still says to run again to resume", async () => {
    await writeTree(join(ws.work, "temp"), { "busy-a.txt": "busy", "ok.txt": "fine" });
    const r = await run(["sync", "temp/", "picky://temp/"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('path="busy-a.txt"');
    expect(r.stderr).toContain("run the same command again to resume");
  });
});
