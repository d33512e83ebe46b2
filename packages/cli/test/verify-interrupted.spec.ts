/**
 * `verify` of a link at the source against a file at the destination follows the link: an
 * interruption while it does (Ctrl-C: the stat ends with `Aborted`) ends the command as
 * interrupted, not as a mismatch.
 */
import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, registerService, storageError, type OpenConfig, type ServiceDefinition } from "@stowage/core";
import { memoryService } from "@stowage/memory";
import { EXIT_CODES } from "../src/errors.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

/** Memory storage whose stat of the key `t` ends as an interrupted call does. */
const interrupting: ServiceDefinition = {
  ...memoryService,
  type: "interrupting",
  packageName: "interrupting",
  newStorageDriver(config: OpenConfig) {
    const driver = memoryService.newStorageDriver(config);
    const stat = driver.stat.bind(driver);
    driver.stat = (key, options) => (key === "t" ? Promise.reject(storageError(ErrorCode.Aborted, "the operation was aborted")) : stat(key, options));
    return driver;
  },
};

const ws = useWorkspace();
const run = inProcess(ws);

describe("verify, interrupted while following a link", () => {
  it("exits as interrupted (130), not with a mismatch", async () => {
    registerService(interrupting);
    const src = newStorager("memory://verify-int-src/");
    await src.write("t", "hello");
    await src.createLink("d/l", "t");
    const dst = newStorager("memory://verify-int-dst/");
    await dst.write("l", "hello");
    const r = await run(["verify", "interrupting://verify-int-src/d/", "memory://verify-int-dst/"]);
    expect(r.stderr).not.toContain("link to nothing readable");
    expect(r.code).toBe(EXIT_CODES.Aborted);
  });
});
