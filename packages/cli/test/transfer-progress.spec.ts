// The bytes of an object that failed are not counted as done (review-progress L1: the last line said
// 46.7 MiB done where the summary said 37.9 MiB copied).
import { PassThrough } from "node:stream";
import { describe, expect, it } from "@jest/globals";
import { TransferProgress } from "../src/progress.js";

const progress = (): TransferProgress => new TransferProgress({ mode: "none", stream: new PassThrough(), intervalMs: 1000, label: "cp", objects: 3, bytes: 3000 });

describe("TransferProgress", () => {
  it("counts a finished object's size and takes back what a failed one had sent", () => {
    const p = progress();
    const a = p.object("a", 1000);
    a.update(400);
    a.end(true);
    const b = p.object("b", 1000);
    b.update(700);
    expect(p.line()).toMatch(/^cp: 1\/3 objects, 1\.7 KiB\/2\.9 KiB \(56%\)/);
    b.end(false);
    expect(p.line()).toMatch(/^cp: 1\/3 objects, 1000 B\/2\.9 KiB \(33%\)/);
    const c = p.object("c", 1000);
    c.update(1000);
    c.end(true);
    expect(p.line()).toMatch(/^cp: 2\/3 objects, 2\.0 KiB\/2\.9 KiB \(66%\)/);
  });
});
