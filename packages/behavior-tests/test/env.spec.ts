import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { runBehaviorSuite, workDirConnection } from "../src/index.js";

/**
 * Runs the suite against real services: for each `STOWAGE_TEST_<SERVICE>=<connection string>`
 * in the environment, imports `@stowage/<service>` and opens the string with a fresh
 * `<uuid>/` appended to its work_dir. `STOWAGE_TEST_LARGE_SIZE` (bytes) sets the size of
 * the writes that must go multipart; the connection string must then carry a
 * `multipart_threshold` below it (the default appended here is 5 MiB parts, 11 MiB writes).
 */
const targets = Object.entries(process.env)
  .filter(([key, value]) => /^STOWAGE_TEST_[A-Z0-9_]+$/.test(key) && key !== "STOWAGE_TEST_LARGE_SIZE" && value)
  .map(([key, value]) => ({ service: key.slice("STOWAGE_TEST_".length).toLowerCase().replace(/_/g, "-"), conn: value as string }));

const largeSize = Number(process.env.STOWAGE_TEST_LARGE_SIZE ?? 11 * 1024 * 1024);

/** Adds 5 MiB multipart settings unless the connection string sets its own. */
function withTuning(conn: string): string {
  if (/[?&](multipart_threshold|part_size)=/.test(conn)) return conn;
  return conn + (conn.includes("?") ? "&" : "?") + "multipart_threshold=5MiB&part_size=5MiB";
}

describe("env: workDirConnection", () => {
  it.each([
    ["memory://", "memory:///ID/"],
    ["memory://name", "memory://name/ID/"],
    ["cos://bucket-1250000000/ci?credential=env&location=ap-guangzhou", "cos://bucket-1250000000/ci/ID/?credential=env&location=ap-guangzhou"],
    ["fs:///tmp/x/?multipart_threshold=1MiB", "fs:///tmp/x/ID/?multipart_threshold=1MiB"],
    ["qingstor://b/?endpoint=https:qingstor.com", "qingstor://b/ID/?endpoint=https:qingstor.com"],
  ])("appends a fresh work_dir segment: %s", (conn, expected) => {
    expect(workDirConnection(conn, "ID")).toBe(expected);
  });
});

if (targets.length === 0) {
  describe("env", () => {
    it("no STOWAGE_TEST_<SERVICE> connection string is set: no real service is covered by this run", () => {
      expect(targets).toEqual([]);
    });
  });
}

for (const { service, conn } of targets) {
  runBehaviorSuite(
    `env ${service}`,
    async () => {
      await import(`@stowage/${service}`);
      return newStorager(withTuning(workDirConnection(conn)));
    },
    { largeSize },
  );
}
