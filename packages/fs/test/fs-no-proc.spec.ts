import { describe, expect, it } from "@jest/globals";
import { withoutProc } from "./no-proc.js";

// The fs specs whose expectations hold on every platform, run again on the paths the driver takes
// as on macOS (no-proc.ts): without Linux's /proc paths (directories checked and named by path,
// files looked at and then opened) and with link(2) following a symbolic link. They cover every
// place the driver asks fdPathsWork or pathDescriptorsWork: confinement (symlinks leading outside
// refused, nothing outside touched), fifos and sockets refused unopened, directories made through
// and pinned (a dangling link in the way, a work_dir that is a file), sourceWithin and
// destinationWithin, links (where a link's directory really lies), moves that hard-link, modes
// kept on overwrite. Left out: the races (fs-race.spec.ts, and the swap tests of
// fs-multipart-staging.spec.ts), which only /proc closes (README: Limits); specs that wrap
// node:fs/promises themselves (the link wrapper here does too); the search-only directories
// (fs-search-only.spec.ts runs its calls in a child process, which these mocks do not reach).
// The shared behaviour suite runs the same way in fs-no-proc-suite.spec.ts.

await withoutProc({ linkFollows: true });

const { FsPaths } = await import("../src/paths.js");

describe("fs without /proc paths", () => {
  it("is what these specs run on: a directory is pinned as its path, not through /proc", async () => {
    const pin = await new FsPaths("/").pinDir("/");
    try {
      expect([pin.self, pin.at("x")]).toEqual(["/", "/x"]);
    } finally {
      await pin.close();
    }
  });
});

await import("./fs-confinement.spec.js");
await import("./fs-special-files.spec.js");
await import("./fs-overwrite-keeps-mode.spec.js");
await import("./fs-copy-within.spec.js");
await import("./fs-within-kept.spec.js");
await import("./fs-dangling-parent.spec.js");
await import("./fs-work-dir-file.spec.js");
await import("./fs-link.spec.js");
await import("./fs-move-link-target.spec.js");
await import("./fs-relocate-if-not-exists.spec.js");
await import("./fs-safety.spec.js");
await import("./fs-write-dir-removed.spec.js");
await import("./fs-list-errors.spec.js");
