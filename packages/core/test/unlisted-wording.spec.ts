/**
 * The warning of a listing that left keys out: keys with bidirectional controls (which reorder
 * the text shown after them) are escaped like C1 controls, and a part-mode listing counts the
 * uploads it left out, and says to abort them, not to rename keys.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { ObjectInfo } from "../src/object/object-info.js";
import { openRecording } from "./recording-driver.js";

let warn: ReturnType<typeof jest.spyOn>;
const messages = (): string[] => (warn.mock.calls as unknown[][]).map((call) => String(call[0]));

beforeEach(() => {
  warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
});

async function paths(items: AsyncIterable<ObjectInfo>): Promise<string[]> {
  const out: string[] = [];
  for await (const o of items) out.push(o.path);
  return out;
}

/** Every bidirectional control: ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI. */
const BIDI = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"];

describe("the warning about keys a listing left out", () => {
  it("escapes bidirectional controls in the keys it names (\\uNNNN), as it does C1 controls", async () => {
    const { driver, store } = openRecording();
    driver.pages = [BIDI.map((c, i) => ({ key: `k${i}\\${c}txt.exe`, mode: "file" as const, size: 1 }))];
    expect(await paths(store.list("", { mode: "prefix" }))).toEqual([]);
    expect(messages()).toHaveLength(1);
    const message = messages()[0]!;
    for (const c of BIDI.slice(0, 5)) expect(message).toContain(`\\\\\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}txt.exe`);
    for (const c of BIDI) expect(message).not.toContain(c);
  });

  it("a part-mode listing counts uploads, not keys, and says to abort them", async () => {
    const { driver, store } = openRecording();
    driver.pages = [
      [
        { key: "u\\k", mode: "part", multipartId: "1" },
        { key: "u\\k", mode: "part", multipartId: "2" },
        { key: "u/k", mode: "part", multipartId: "3" },
      ],
    ];
    expect(await paths(store.list("", { mode: "part" }))).toEqual(["u/k"]);
    expect(messages()).toHaveLength(1);
    expect(messages()[0]).toMatch(/^2 uploads in the rec listing of "" \(bucket "bucket", work_dir "\/"\) not listed: no path addresses their keys /);
    expect(messages()[0]).toMatch(/; abort them with the client that started them$/);
    expect(messages()[0]).not.toContain("keys in the");

    driver.pages = [[{ key: "u\\k", mode: "part", multipartId: "1" }]];
    await store.listPage("", { mode: "part" });
    expect(messages()[1]).toMatch(/^1 upload in the rec listing .* no path addresses its key .*; abort it with the client that started it$/);
  });

  it("other listings still count keys", async () => {
    const { driver, store } = openRecording();
    driver.pages = [[{ key: "a\\b", mode: "file", size: 1 }]];
    await store.listPage("", { mode: "prefix" });
    expect(messages()[0]).toMatch(/^1 key in the rec listing of "" .* no path addresses it .*: "a\\\\b" \(backslash\)$/);
  });
});
