/**
 * Servicer methods check their options as Storager operations do: a typo such as
 * `get(name, { work_dir })` must not silently open the bucket root.
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError, newServicer, newStorager, type StorageError } from "@stowage/core";
import "../src/index.js";

async function fails(code: string, fn: () => unknown): Promise<StorageError> {
  try {
    await fn();
  } catch (e) {
    if (!isStorageError(e)) throw e;
    expect(e.code).toBe(code);
    return e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const loose = (opts: unknown) => opts as never;

describe("servicer options", () => {
  const servicer = newServicer("memory://");

  it("get refuses a misspelt workDir instead of opening the root", async () => {
    const e = await fails("PairUnsupported", () => servicer.get("so-b1", loose({ work_dir: "/x" })));
    expect(e.op).toBe("servicer_get");
    expect(e.message).toContain('"work_dir"');
    await fails("PairUnsupported", () => servicer.get("so-b1", loose({ workdir: "/x" })));
    await fails("InvalidArgument", () => servicer.get("so-b1", loose({ workDir: 7 })));
    expect(servicer.get("so-b1", { workDir: "/x" }).info.workDir).toBe("/x/");
  });

  it("create refuses unknown options, Storager options and wrong types, before creating", async () => {
    await fails("PairUnsupported", () => servicer.create("so-b2", loose({ bogus: 1 })));
    await fails("PairUnsupported", () => servicer.create("so-b2", loose({ storageClass: "COLD" })));
    await fails("InvalidArgument", () => servicer.create("so-b2", loose({ signal: "nope" })));
    await fails("InvalidArgument", () => servicer.create("so-b2", loose("nope")));
    // memory has no locations: refused like the location pair at open
    await fails("PairUnsupported", () => servicer.create("so-b2", { location: "ap-x" }));
    const names: string[] = [];
    for await (const s of servicer.list()) names.push(s.info.name);
    expect(names).not.toContain("so-b2");
  });

  it("delete and list check theirs", async () => {
    await servicer.create("so-b3");
    await fails("InvalidArgument", () => servicer.delete("so-b3", loose({ signal: "nope" })));
    await fails("PairUnsupported", () => servicer.delete("so-b3", loose({ force: true })));
    await fails("PairUnsupported", async () => {
      for await (const _ of servicer.list(loose({ limit: 1 }))) break;
    });
    const names: string[] = [];
    for await (const s of servicer.list({ signal: new AbortController().signal })) names.push(s.info.name);
    expect(names).toContain("so-b3");
    await servicer.delete("so-b3", {});
  });

  it("drops unsupported options when opened with enable_loose_pair", async () => {
    const s = newServicer("memory://?enable_loose_pair");
    expect(s.get("so-b4", loose({ work_dir: "/x", workDir: "/y" })).info.workDir).toBe("/y/");
    await s.create("so-b4", loose({ bogus: 1, location: "ap-x" }));
    await s.delete("so-b4", loose({ force: true }));
  });

  it("a storager still refuses the same mistakes (for comparison)", async () => {
    await fails("PairUnsupported", () => newStorager("memory://so-b5").stat("x", loose({ bogus: 1 })));
  });
});

describe("memory refuses open pairs it has no use for", () => {
  it.each(["credential=hmac:AK:SK", "endpoint=https:evil.example", "location=../../etc"])("memory://s/x?%s is PairUnsupported", async (pair) => {
    await fails("PairUnsupported", () => newStorager(`memory://s/x?${pair}`));
  });

  it("keeps its name (a shared store)", () => {
    expect(newStorager("memory://so-shared/x").info).toMatchObject({ name: "so-shared", workDir: "/x/" });
  });
});
