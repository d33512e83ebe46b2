/**
 * Keys in human-readable output (`ls`, `ls -l`, `stat`, `du`, dry runs) are printed with control
 * characters escaped, so a key cannot split a line or send escape sequences to the terminal;
 * `--json` prints them as JSON strings.
 */
import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { shownPath } from "../src/shown-path.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

describe("shownPath", () => {
  it.each([
    ["plain/ü 😀 name.txt", "plain/ü 😀 name.txt"],
    ["nl\nx", "nl\\nx"],
    ["cr\rx\ttab", "cr\\rx\\ttab"],
    ["esc\x1b[31mred", "esc\\x1b[31mred"],
    ["nul\0del\x7f", "nul\\x00del\\x7f"],
    ["csi\u009b31m", "csi\\u009b31m"],
    ["ls\u2028ps\u2029", "ls\\u2028ps\\u2029"],
    ["back\\slash", "back\\\\slash"],
    ["lone\uD800", "lone\\ud800"],
    // Bidirectional controls reorder what follows: "evil\u202Etxt.exe" would show as "evilexe.txt".
    ["evil\u202etxt.exe", "evil\\u202etxt.exe"],
    ["\u061c\u200e\u200f\u202a\u202b\u202c\u202d", "\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d"],
    ["\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"],
    // Other format characters and scripts are printed as they are.
    ["zwj\u200dnbsp\u00a0 arabic\u0627", "zwj\u200dnbsp\u00a0 arabic\u0627"],
  ])("%j → %j", (path, shown) => {
    expect(shownPath(path)).toBe(shown);
  });
});

describe("human-readable listings escape control characters in keys", () => {
  it("ls, ls -l, ls -r, stat and du print them escaped, one line per entry; --json prints JSON", async () => {
    const store = newStorager("memory://shown-paths/");
    const keys = ["nl\nx.txt", "esc\x1b[31mred.txt", "ok.txt", "d\r/f"];
    for (const key of keys) await store.write(key, Buffer.from("1"));
    const ls = await run(["ls", "memory://shown-paths/"]);
    expect(ls.code).toBe(0);
    expect(ls.stdout.split("\n").filter(Boolean).sort()).toEqual(["d\\r/", "esc\\x1b[31mred.txt", "nl\\nx.txt", "ok.txt"]);
    const long = await run(["ls", "-l", "-r", "memory://shown-paths/"]);
    const lines = long.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.split("  ").pop()).sort()).toEqual(["d\\r/f", "esc\\x1b[31mred.txt", "nl\\nx.txt", "ok.txt"]);
    expect(long.stdout).not.toMatch(/[\x1b\r]/);
    const json = await run(["ls", "-r", "--json", "memory://shown-paths/"]);
    expect(json.stdout.split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { path: string }).path).sort()).toEqual([...keys].sort());
    const stat = await run(["stat", "memory://shown-paths/nl%0Ax.txt"]);
    expect(stat.code).toBe(0);
    expect(stat.stdout).toContain("path: nl\\nx.txt\n");
    const du = await run(["du", "-d", "1", "memory://shown-paths/"]);
    expect(du.stdout).toContain("d\\r/\n");
    expect(du.stdout).not.toContain("\r");
    const dry = await run(["rm", "-r", "--dry-run", "memory://shown-paths/"]);
    expect(dry.stdout).toContain("would delete memory://shown-paths/nl%0Ax.txt\n");
    expect(dry.stdout).not.toMatch(/[\x1b\r]/);
  });
});
