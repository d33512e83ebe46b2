/**
 * A spec's working directory: a fresh temp directory and a clean environment whose HOME is inside
 * it, made before the tests of the file (or of the `describe` block it is called in) and removed
 * after them.
 */
import { afterAll, beforeAll } from "@jest/globals";
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { cleanEnv, removeDir, ROOT, tempDir } from "./helpers.js";

/** Options of {@link useWorkspace}. */
export interface WorkspaceOptions {
  /** The temp directory's name prefix (default `stowage-cli-`). */
  prefix?: string;
  /** Sets `STOWAGE_STATE_DIR` to `<work>/state`, so checkpoints land there. */
  stateDir?: boolean;
  /** More variables for the environment, given the directory (a profile on it, say). */
  env?: (work: string) => Record<string, string>;
  /**
   * Links `<work>/node_modules/@stowage/cos` to the workspace's COS driver, so the built binary run
   * here loads it as it would from a user's install.
   */
  linkCosDriver?: boolean;
}

/** What {@link useWorkspace} sets up; read its fields in hooks and tests, not while the file loads. */
export interface Workspace {
  /** The temp directory: where the CLI runs. */
  readonly work: string;
  /** {@link cleanEnv} with HOME at `<work>/home`, plus what the options add. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Registers a `beforeAll` that makes the directory and the environment and an `afterAll` that
 * removes the directory, in the file or `describe` block this is called in. Hooks run in the order
 * they are registered: call it before the block's own hooks that use the directory.
 */
export function useWorkspace(options: WorkspaceOptions = {}): Workspace {
  let made: { work: string; env: NodeJS.ProcessEnv } | undefined;
  beforeAll(async () => {
    const work = await tempDir(options.prefix);
    if (options.linkCosDriver === true) {
      await mkdir(join(work, "node_modules/@stowage"), { recursive: true });
      await symlink(join(ROOT, "packages/cos"), join(work, "node_modules/@stowage/cos"), "dir");
    }
    const state: Record<string, string> = options.stateDir === true ? { STOWAGE_STATE_DIR: join(work, "state") } : {};
    made = { work, env: cleanEnv(join(work, "home"), { ...state, ...options.env?.(work) }) };
  });
  afterAll(async () => {
    if (made !== undefined) await removeDir(made.work);
  });
  const get = (): { work: string; env: NodeJS.ProcessEnv } => {
    if (made === undefined) throw new Error("useWorkspace: the directory is made in beforeAll; read it in a hook or a test");
    return made;
  };
  return {
    get work() {
      return get().work;
    },
    get env() {
      return get().env;
    },
  };
}
