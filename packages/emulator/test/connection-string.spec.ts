import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import "@stowage/cos";
import { newStorager, parseConnectionString } from "@stowage/core";
import "@stowage/oss";
import "@stowage/qingstor";
import { startEmulator, type Emulator } from "../src/index.js";

// Work dirs holding what a connection string reads specially: `%` escapes, `?` (query), `#`, `&`,
// spaces, control characters (C0, DEL, C1), and text that must stay as it is (`+`, `=`, CJK).
const WORK_DIRS = ["/a%2Fb/", "/a?x/", "/h#a&b=c/", "/sp ace/%25/", "/t\tab\u007f\u0085/", "/中+文/", "/a%/b/"];

const PROVIDERS = [
  { provider: "cos", bucket: "dirs-1250000000" },
  { provider: "oss", bucket: "dirs-bucket" },
  { provider: "qingstor", bucket: "dirs-bucket" },
] as const;

const emulators = new Map<string, Emulator>();
beforeAll(async () => {
  for (const p of PROVIDERS) emulators.set(p.provider, await startEmulator({ provider: p.provider, buckets: [p.bucket] }));
});
afterAll(async () => {
  for (const e of emulators.values()) await e.stop();
});

describe("connectionString(bucket, workDir) opens exactly that work_dir", () => {
  it.each(WORK_DIRS)("the string parses back to work_dir %j", (dir) => {
    const conn = emulators.get("cos")!.connectionString("dirs-1250000000", dir);
    expect(parseConnectionString(conn).workDir).toBe(dir);
  });

  it.each(PROVIDERS)("$provider: a write lands under the work_dir given, byte for byte", async ({ provider, bucket }) => {
    const emu = emulators.get(provider)!;
    const root = newStorager(emu.connectionString(bucket, "/"));
    for (const dir of WORK_DIRS) {
      const store = newStorager(emu.connectionString(bucket, dir));
      expect(store.info.workDir).toBe(dir);
      await store.write("k", "x");
      const keys: string[] = [];
      for await (const o of root.list("", { mode: "prefix" })) keys.push(o.path);
      expect({ dir, keys }).toEqual({ dir, keys: [dir.slice(1) + "k"] });
      await store.delete("k");
    }
  });
});
