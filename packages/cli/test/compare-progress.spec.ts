/**
 * review-sync MEDIUM-1: `sync`'s compare phase (every local file whose size matches its
 * counterpart's is read and hashed, objects without a listed checksum stat'ed) shows progress:
 * objects compared of the total and bytes hashed, as a line every `--progress-interval` or as a bar.
 * A "held" memory storage (memory underneath; its listing has no CRC-64, so each same-size object
 * is stat'ed) holds the stat of `c.txt` until the test lets it go, so the compare is seen under way.
 */
import { describe, expect, it } from "@jest/globals";
import { PassThrough } from "node:stream";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { run } from "../src/program.js";
import { CompareProgress } from "../src/compare-progress.js";
import { useWorkspace } from "./workspace.js";
import { useMemoryVariant } from "./memory-variants.js";
import { writeTree } from "./helpers.js";

const ws = useWorkspace();

/** Let go of the held stat (set while one is held). */
let release: (() => void) | undefined;
let holding = false;
useMemoryVariant("held", (driver) => {
  const stat = driver.stat.bind(driver);
  driver.stat = async (key, options) => {
    if (holding && key.endsWith("c.txt")) await new Promise<void>((resolve) => (release = resolve));
    return stat(key, options);
  };
  return driver;
});

describe("sync's compare phase", () => {
  it("prints 'comparing N/M objects, X hashed' lines while it goes on (--progress lines)", async () => {
    await writeTree(join(ws.work, "cp"), { "a.txt": "aaa", "b.txt": "bbbb", "c.txt": "ccccc" });
    const dst = newStorager("memory://cmp-lines/");
    for (const [k, v] of Object.entries({ "a.txt": "aaa", "b.txt": "bbbb", "c.txt": "ccccc" })) await dst.write(k, v);
    let err = "";
    // The held stat is let go once a line shows a.txt and b.txt compared and hashed (3 + 4 bytes), c.txt not yet.
    const stderr = new PassThrough().on("data", (c: Buffer) => {
      err += c.toString("utf8");
      if (/^sync: comparing 2\/3 objects, 7 B hashed \(/m.test(err)) release?.();
    });
    const stdout = new PassThrough().resume();
    holding = true;
    const io = { stdin: new PassThrough().end(), stdout, stderr, env: ws.env, cwd: ws.work, stderrIsTTY: false, stdinIsTTY: false };
    const code = await run(["--progress", "lines", "--progress-interval", "0.01", "sync", "cp/", "held://cmp-lines/"], io, new AbortController().signal);
    holding = false;
    expect(code).toBe(0);
    const lines = err.split("\n");
    // Lines before it showed fewer compared; none claims more than there are.
    expect(lines.filter((l) => l.startsWith("sync: comparing ")).every((l) => /^sync: comparing [0-3]\/3 objects, \d+ B hashed \(/.test(l))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^sync: comparing 2\/3 objects, 7 B hashed \(/));
    expect(err).toMatch(/^sync: copied 0 objects \(0 B\), skipped 3, in /m);
  });

  it("draws a bar of objects compared and bytes hashed (--progress bars)", () => {
    const stream = new PassThrough();
    let out = "";
    stream.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const p = new CompareProgress({ mode: "bars", stream, intervalMs: 1000, label: "sync" });
    p.start(4);
    p.hashed(3072);
    p.compared();
    p.compared();
    p.compared();
    p.stop();
    expect(out).toMatch(/sync compare \[=+-+\] 75% \| 3\/4 objects \| 3\.0 KiB hashed \| /);
    expect(p.line()).toMatch(/^sync: comparing 3\/4 objects, 3\.0 KiB hashed \(/);
  });

  it("shows nothing when nothing is compared (none mode, or no compare phase)", () => {
    const stream = new PassThrough();
    let out = "";
    stream.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const p = new CompareProgress({ mode: "none", stream, intervalMs: 1, label: "sync" });
    p.start(2);
    p.compared();
    p.stop();
    expect(out).toBe("");
  });
});
