/**
 * The memory servicer gives the codes the cloud servicers give: create of an existing store is
 * Conflict, and a store that does not exist (never created, or deleted) fails every call of its
 * storagers with ObjectNotExist instead of being made on use or written to while detached.
 * Opening `memory://name` with newStorager still makes a missing store (the documented convenience).
 */
import { describe, expect, it } from "@jest/globals";
import { isMissingBucket, newServicer, newStorager, type Storager } from "@stowage/core";
import "../src/index.js";
import { findStore } from "../src/store.js";
import { expectCode } from "./helpers.js";

const servicer = newServicer("memory://");

async function names(): Promise<string[]> {
  const out: string[] = [];
  for await (const s of servicer.list()) out.push(s.info.name);
  return out;
}

async function paths(store: Storager): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list("", { mode: "prefix" })) out.push(o.path);
  return out;
}

describe("memory servicer: the codes of a cloud servicer", () => {
  it("create of a store that exists is Conflict (made by create or by opening memory://name), and keeps its data", async () => {
    const made = await servicer.create("ss-conflict");
    await made.write("kept", "v");
    await expectCode(servicer.create("ss-conflict"), "Conflict");
    expect((await made.stat("kept")).size).toBe(1);
    newStorager("memory://ss-opened/");
    await expectCode(servicer.create("ss-opened"), "Conflict");
    await made.delete("kept");
    await servicer.delete("ss-conflict");
    await servicer.delete("ss-opened");
  });

  it("a storager from get of a store never created fails with ObjectNotExist and makes no store", async () => {
    const s = servicer.get("ss-never");
    await expectCode(s.write("x", "v"), "ObjectNotExist");
    await expectCode(s.stat("x"), "ObjectNotExist");
    await expectCode(s.listPage("", { mode: "dir" }), "ObjectNotExist");
    await expectCode(s.createDir("d"), "ObjectNotExist");
    expect(findStore("ss-never")).toBeUndefined();
    expect(await names()).not.toContain("ss-never");
    await expectCode(servicer.delete("ss-never"), "ObjectNotExist");
  });

  it("after delete, storagers of the store (from the servicer or newStorager) fail with ObjectNotExist and write nothing, until it is made again", async () => {
    const fromCreate = await servicer.create("ss-deleted");
    const opened = newStorager("memory://ss-deleted/");
    await fromCreate.write("f", "v");
    await fromCreate.delete("f");
    await servicer.delete("ss-deleted");
    for (const s of [fromCreate, opened, servicer.get("ss-deleted")]) {
      await expectCode(s.write("lost", "v"), "ObjectNotExist");
      await expectCode(s.read("f"), "ObjectNotExist");
      await expectCode(paths(s), "ObjectNotExist");
    }
    expect(findStore("ss-deleted")).toBeUndefined();
    expect(await names()).not.toContain("ss-deleted");
    // Made again: the earlier storagers see the new store, as a cloud storager sees a re-created bucket.
    const again = await servicer.create("ss-deleted");
    await again.write("new", "v");
    expect(await paths(fromCreate)).toEqual(["new"]);
    expect(await paths(opened)).toEqual(["new"]);
    await again.delete("new");
    await servicer.delete("ss-deleted");
  });

  it("opening memory://name still makes a missing store, also after a delete", async () => {
    const first = newStorager("memory://ss-convenience/");
    await first.write("a", "v");
    await first.delete("a");
    await servicer.delete("ss-convenience");
    await expectCode(first.stat("a"), "ObjectNotExist");
    const reopened = newStorager("memory://ss-convenience/");
    await reopened.write("b", "v");
    expect(await paths(first)).toEqual(["b"]);
    expect(await names()).toContain("ss-convenience");
    await reopened.delete("b");
    await servicer.delete("ss-convenience");
  });

  it("unnamed stores stay private and unaffected", async () => {
    const a = newStorager("memory://");
    await a.write("k", "v");
    expect((await a.stat("k")).size).toBe(1);
    await expectCode(newStorager("memory://").stat("k"), "ObjectNotExist");
  });
});

describe("a missing store, as isMissingBucket sees it", () => {
  it("a call on a store that does not exist names NoSuchBucket as its serviceCode; a missing key does not", async () => {
    // Opening memory://name makes a missing store: a deleted one is missing for the storagers it handed out.
    const servicer = newServicer("memory://");
    const gone = await servicer.create("ss-missing-bucket");
    await servicer.delete("ss-missing-bucket");
    const e = await gone.stat("k").catch((x: unknown) => x);
    expect(isMissingBucket(e)).toBe(true);
    const here = newStorager("memory://");
    const missingKey = await here.stat("no-such-key").catch((x: unknown) => x);
    expect(isMissingBucket(missingKey)).toBe(false);
  });
});
