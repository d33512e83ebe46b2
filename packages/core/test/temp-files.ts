import { afterAll, beforeAll } from "@jest/globals";
import { randomFillSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A temporary directory for the spec file that calls it (made before its tests, removed after),
 * and `fileOf(size)`: a new file of `size` random bytes in it, with its bytes.
 * @throws nothing until a test runs; then what the file system throws.
 */
export function useTempFiles(prefix: string): { dir(): string; fileOf(size: number): { path: string; data: Buffer } } {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  const here = (): string => {
    if (dir === undefined) throw new Error("useTempFiles: the directory exists only while the spec's tests run");
    return dir;
  };
  return {
    dir: here,
    fileOf(size) {
      const data = randomFillSync(Buffer.alloc(size));
      const path = join(here(), `${randomUUID()}.bin`);
      writeFileSync(path, data);
      return { path, data };
    },
  };
}
