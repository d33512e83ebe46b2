/**
 * Servicer.list pages through GET Service by marker (the emulator pages as COS does: max-keys
 * default 2000) and lists the caller's buckets only.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, type Servicer } from "@stowage/core";
import { startEmulator, type Emulator, type EmulatorCredential } from "@stowage/emulator";
import "../src/index.js";

const A: EmulatorCredential = { accessKey: "ak-a", secretKey: "sk-a" };
const B: EmulatorCredential = { accessKey: "ak-b", secretKey: "sk-b" };
// More than one GET Service page (2000).
const PRESET = Array.from({ length: 2003 }, (_, i) => `p${String(i).padStart(5, "0")}-1250000000`);
let emu: Emulator;

const open = (keys: EmulatorCredential): Servicer => newServicer(`cos://?credential=hmac:${keys.accessKey}:${keys.secretKey}&endpoint=http:127.0.0.1:${emu.port}`);

async function names(servicer: Servicer): Promise<string[]> {
  const out: string[] = [];
  for await (const s of servicer.list()) {
    out.push(s.info.name);
    if (out.length > 5000) throw new Error("the listing did not end");
  }
  return out;
}

beforeAll(async () => {
  emu = await startEmulator({ provider: "cos", buckets: PRESET, credentials: [A, B] });
});
afterAll(async () => {
  await emu.stop();
});

describe("cos servicer list on the emulator", () => {
  it("lists every bucket of the caller once across GET Service pages, and no other account's", async () => {
    const a = open(A);
    const b = open(B);
    await a.create("mine-1250000000");
    await b.create("theirs-1250000000");
    emu.resetStats();
    const listed = await names(a);
    expect(emu.stats().byOperation["ListBuckets"]).toBe(2);
    expect(listed).toHaveLength(PRESET.length + 1);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toContain("mine-1250000000");
    expect(listed).not.toContain("theirs-1250000000");
    expect(listed.filter((n) => n.startsWith("p")).sort()).toEqual(PRESET);
    const theirs = await names(b);
    expect(theirs).toContain("theirs-1250000000");
    expect(theirs).not.toContain("mine-1250000000");
    await a.delete("mine-1250000000");
    await b.delete("theirs-1250000000");
  });
});
