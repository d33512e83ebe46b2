import * as realFsModule from "node:fs";
import { describe, expect, it, jest } from "@jest/globals";

// The fs driver checks once whether /proc paths reach open directories (pinned-dir.ts
// `fdPathsWork`), by opening `/`. A probe that met EMFILE (a process out of descriptors) was
// remembered as "no /proc": every later operation of the process went without its descriptors.
// Here the probe's first open fails with EMFILE; the next call probes again.

let failures = 1;
jest.unstable_mockModule("node:fs", () => ({
  ...realFsModule,
  default: realFsModule,
  openSync: (path: realFsModule.PathLike, flags: realFsModule.OpenMode, mode?: realFsModule.Mode) => {
    if (path === "/" && failures > 0) {
      failures--;
      throw Object.assign(new Error("EMFILE: too many open files, open '/'"), { code: "EMFILE", errno: -24, syscall: "open", path: "/" });
    }
    return realFsModule.openSync(path, flags, mode);
  },
}));

const { fdPathsWork } = await import("../src/pinned-dir.js");

describe("the /proc probe under EMFILE", () => {
  it("answers false while descriptors are short, and probes again once they are back", () => {
    expect(fdPathsWork()).toBe(false);
    expect(failures).toBe(0);
    const here = realFsModule.existsSync("/proc/self/fd");
    expect(fdPathsWork()).toBe(here);
  });
});
