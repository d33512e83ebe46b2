/**
 * `rm -r` on an object store looks for the directory markers left after the objects went with dir
 * listings, level by level, several at once (remove-dirs.ts MARKER_LISTINGS): on a tree of many
 * marked directories (made by `mkdir`, or a console's folders) one at a time would cost a round
 * trip each. Here a COS storage under a scheme of this spec's own holds the listing of one marked
 * directory until the listing of its sibling has started: one at a time, it never would.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { setTimeout as sleep } from "node:timers/promises";
import { newStorager, registerService, unregisterService, type DriverListRequest, type OpenConfig, type StorageDriver } from "@stowage/core";
import { cosService } from "@stowage/cos";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

const BUCKET = "rm-lookups-1250000000";
const ws = useWorkspace({ prefix: "stowage-rm-lookups-" });
const run = inProcess(ws);
const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });

/** Dir listings started, by prefix, and whether the held one saw its sibling's start while it waited. */
const started: string[] = [];
let overlapped: boolean | undefined;

/** Holds the dir listing of `t/a/` until one of `t/c/` has started (at most 3 s, then goes on). */
function holding(driver: StorageDriver): StorageDriver {
  const listPage = driver.listPage.bind(driver);
  driver.listPage = async (request: DriverListRequest, options) => {
    if (request.delimiter === "/") started.push(request.prefix);
    if (request.delimiter === "/" && request.prefix === "t/a/" && overlapped === undefined) {
      for (let waited = 0; waited < 3000 && !started.includes("t/c/"); waited += 10) await sleep(10);
      overlapped = started.includes("t/c/");
    }
    return listPage(request, options);
  };
  return driver;
}

beforeAll(() => {
  registerService({ ...cosService, type: "cosheld", packageName: "@stowage/cosheld", newStorageDriver: (config: OpenConfig, defaults) => holding(cosService.newStorageDriver(config, defaults)) });
});
afterAll(() => {
  unregisterService("cosheld");
});

describe("rm -r: the markers left are looked for several directories at a time", () => {
  it("lists sibling marked directories at once, and removes them all", async () => {
    const conn = emu.emulator.connectionString(BUCKET, "/");
    const store = newStorager(conn);
    for (const dir of ["t/a/", "t/a/b/", "t/c/"]) await store.createDir(dir);
    for (const key of ["t/a/x", "t/c/y", "t/z"]) await store.write(key, "1");
    const r = await run(["rm", "-r", "--yes", "e:t/"], { env: { STOWAGE_PROFILE_E: conn.replace(/^cos:/, "cosheld:") } });
    expect([r.code, r.stderr]).toEqual([0, "rm: deleted 3 objects (3 B)\n"]);
    expect(overlapped).toBe(true);
    // t/ first, then t/a/ and t/c/ together, then t/a/b/.
    expect(started).toEqual(["t/", "t/a/", "t/c/", "t/a/b/"]);
    const left: string[] = [];
    for await (const o of store.list("t/", { mode: "prefix" })) left.push(o.path);
    for await (const o of store.list("t/", { mode: "dir" })) left.push(o.path);
    expect(left).toEqual([]);
  });
});
