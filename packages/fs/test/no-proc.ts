import { promises as realFs } from "node:fs";
import { jest } from "@jest/globals";

/** How {@link withoutProc} fakes the platform. */
export interface NoProcOptions {
  /**
   * link(2) as macOS and the BSDs make it (POSIX leaves it to the system): a symbolic link named as
   * its source is followed, what it leads to hard-linked (Linux's link(2) links the link itself).
   * Wrapped in node:fs/promises, so the test file must not mock that module itself.
   */
  linkFollows?: boolean;
  /** While this answers false, nothing is faked (a spec that runs both ways); default: always faked. */
  active?: () => boolean;
  /** With `linkFollows`: runs before every link(2) through node:fs/promises (a race to stage), faked or not. */
  beforeLink?: (existing: string, made: string) => Promise<void>;
}

/**
 * Makes the fs driver of this test file take the paths it takes where Linux's /proc paths are
 * missing (macOS, the BSDs, Linux without /proc mounted), the ones CI never takes: pinned-dir.ts's
 * fdPathsWork and pathDescriptorsWork answer false (directories are checked and named by path,
 * not pinned; files are looked at, then opened), and local-fs.ts takes no filesystem for one only
 * this machine writes (its statfs types are Linux's: so it is on macOS). With `linkFollows`, link(2)
 * follows a symbolic link too: the whole of macOS. Call it before anything imports the driver, then
 * import the driver and what uses it with `await import(...)`: only modules linked after the mocks see them.
 */
export async function withoutProc(options: NoProcOptions = {}): Promise<void> {
  const active = options.active ?? (() => true);
  if (options.linkFollows === true) {
    const before = options.beforeLink;
    const link = async (existing: string, made: string): Promise<void> => {
      await before?.(existing, made);
      await (active() ? followingLink(existing, made) : realFs.link(existing, made));
    };
    jest.unstable_mockModule("node:fs/promises", () => ({ ...realFs, default: realFs, link }));
  }
  const pinned = await import("../src/pinned-dir.js");
  jest.unstable_mockModule("../src/pinned-dir.js", () => ({
    ...pinned,
    fdPathsWork: () => !active() && pinned.fdPathsWork(),
    pathDescriptorsWork: () => !active() && pinned.pathDescriptorsWork(),
  }));
  const local = await import("../src/local-fs.js");
  jest.unstable_mockModule("../src/local-fs.js", () => ({
    ...local,
    isLocalFilesystem: async (dev: bigint, path: string) => !active() && (await local.isLocalFilesystem(dev, path)),
  }));
}

/** link(2) as macOS and the BSDs make it: a symbolic link at `existing` is followed (a dangling one: ENOENT, a loop: ELOOP). */
async function followingLink(existing: string, made: string): Promise<void> {
  const st = await realFs.lstat(existing).catch(() => undefined);
  await realFs.link(st?.isSymbolicLink() === true ? await realFs.realpath(existing) : existing, made);
}
