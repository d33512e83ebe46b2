import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";

/** Every file (or link) under `dir`, relative to it, sorted; none when `dir` cannot be read. */
export async function treeFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  }
  await walk(dir);
  return out.sort();
}
