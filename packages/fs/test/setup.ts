import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsStorageDriver } from "../src/storager.js";

/** A fresh temp dir with a store at `<tmp>/store/` and a sibling `<tmp>/outside/`. */
export interface Sandbox {
  tmp: string;
  root: string;
  outside: string;
  driver: FsStorageDriver;
  /** The key of a path relative to the store's work_dir. */
  key(path: string): string;
  cleanup(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const tmp = await mkdtemp(join(tmpdir(), "stowage-fs-"));
  const root = join(tmp, "store");
  const outside = join(tmp, "outside");
  await mkdir(root);
  await mkdir(outside);
  const driver = new FsStorageDriver(root + "/");
  return {
    tmp,
    root,
    outside,
    driver,
    key: (path) => root.slice(1) + "/" + path,
    cleanup: () => rm(tmp, { recursive: true, force: true }),
  };
}
