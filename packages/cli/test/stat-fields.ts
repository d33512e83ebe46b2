/** What `stowage stat --json` reports of an object: the fields a spec looks at. */
import { expect } from "@jest/globals";
import type { ObjectInfo } from "@stowage/core";
import type { MainResult } from "../src/index.js";

/**
 * The `fields` that `stat --json loc`, run through `run`, reports (only those present). Expects the
 * stat to exit 0 with nothing on stderr (the location is named in a failure).
 */
export async function statFields<K extends keyof ObjectInfo>(run: (argv: readonly string[]) => Promise<MainResult>, loc: string, fields: readonly K[]): Promise<Partial<Pick<ObjectInfo, K>>> {
  const r = await run(["stat", "--json", loc]);
  expect([loc, r.code, r.stderr]).toEqual([loc, 0, ""]);
  const info = JSON.parse(r.stdout) as ObjectInfo;
  const out: Partial<Pick<ObjectInfo, K>> = {};
  for (const f of fields) if (info[f] !== undefined) out[f] = info[f];
  return out;
}
