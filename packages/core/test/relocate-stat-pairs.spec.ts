import { describe, expect, it } from "@jest/globals";
import type { DriverCallOptions, RawObject } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import { definePair } from "../src/pairs/pair-definition.js";
import type { Storager } from "../src/storager.js";
import { relocateStore } from "./relocate-store.js";

/**
 * A store with links whose objects named `enc*` answer a stat only with the option `key: "k"` (as
 * an SSE-C object answers a HEAD only with its key: a 400 without, a 403 with another), while the
 * others refuse a key (as a plain object refuses SSE-C headers); "locked" refuses every stat
 * (403). It holds "t" (a file), "enc-link" (a link to "t"), "plain-link" (a link to "enc-link"),
 * "enc-taken" (a file) and "locked". Every stat is recorded with the key it carried; copy and move
 * only record themselves.
 */
function open(): { store: Storager; calls: string[] } {
  const calls: string[] = [];
  const objects: Record<string, RawObject> = {
    t: { key: "t", mode: "file", size: 1 },
    "enc-link": { key: "enc-link", mode: "link", linkTarget: "/t" },
    "plain-link": { key: "plain-link", mode: "link", linkTarget: "/enc-link" },
    "enc-taken": { key: "enc-taken", mode: "file", size: 1 },
    locked: { key: "locked", mode: "file", size: 1 },
  };
  const relocate = (op: string) => async (from: string, to: string, options: DriverCallOptions): Promise<void> => {
    calls.push(`${op} ${from} ${to}`);
    if (options.ifNotExists === true && objects[to] !== undefined) throw storageError(ErrorCode.Conflict, "exists", { statusCode: 409 });
  };
  // A driver pair standing for an SSE-C key (stat, copy, move and createLink take it), and one stat does not take.
  const pairs = {
    key: definePair({ name: "key", type: "string", description: "test key", operations: ["new", "stat", "copy", "move", "createLink"] }),
    other: definePair({ name: "other", type: "string", description: "test pair", operations: ["copy", "move", "createLink"] }),
  };
  const store = relocateStore(
    {
      features: { createLink: true, writeIfNotExists: true },
      pairs,
      async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
        const given = options["key"] as string | undefined;
        calls.push(`stat ${key}${given === undefined ? "" : ` key=${given}`}`);
        if (options["other"] !== undefined) throw new Error("a pair stat does not take reached the stat");
        if (key === "locked") throw storageError(ErrorCode.PermissionDenied, "no HeadObject permission", { statusCode: 403 });
        const found = objects[key];
        if (found === undefined) throw storageError(ErrorCode.ObjectNotExist, "none", { statusCode: 404 });
        if (key.startsWith("enc") && given !== "k") throw storageError(given === undefined ? ErrorCode.InvalidArgument : ErrorCode.PermissionDenied, "the key", { statusCode: given === undefined ? 400 : 403 });
        if (!key.startsWith("enc") && given !== undefined) throw storageError(ErrorCode.InvalidArgument, "a plain object takes no key", { statusCode: 400 });
        return found;
      },
      copy: relocate("copy"),
      move: relocate("move"),
      async createLink(key: string, target: string): Promise<RawObject> {
        calls.push(`createLink ${key} ${target}`);
        return { key, mode: "link", linkTarget: "/" + target };
      },
    },
    "?key=k",
  );
  return { store, calls };
}

describe("core's stats in copy, move and createLink carry the call's stat pairs (an SSE-C key)", () => {
  it("a move of an encrypted link onto its target is refused: the link's stat carries the open-time key", async () => {
    const { store, calls } = open();
    await expect(store.move("enc-link", "t", { other: "x" } as never)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(calls).toEqual(["stat enc-link key=k"]);
  });

  it("a plain link is seen too: the key tried, then none; a chain through plain and encrypted links is followed", async () => {
    const { store, calls } = open();
    await expect(store.move("plain-link", "t")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(calls).toEqual(["stat plain-link key=k", "stat plain-link", "stat enc-link key=k"]);
  });

  it("a move whose source no stat can see is refused with the stat's code, nothing moved", async () => {
    const { store, calls } = open();
    await expect(store.move("locked", "t")).rejects.toMatchObject({ code: "PermissionDenied", statusCode: 403, message: expect.stringMatching(/nothing was moved/) });
    expect(calls.filter((c) => c.startsWith("move"))).toEqual([]);
  });

  it("a link loop through an encrypted link is refused", async () => {
    const { store, calls } = open();
    await expect(store.createLink("t", "enc-link")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(calls.filter((c) => c.startsWith("createLink"))).toEqual([]);
  });

  it.each(["copy", "move"] as const)("%s with ifNotExists onto an encrypted object: the early stat carries the key, Conflict before the copy or move is sent", async (op) => {
    const { store, calls } = open();
    await expect(store[op]("t", "enc-taken", { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict" });
    expect(calls.filter((c) => c.startsWith(op))).toEqual([]);
    expect(calls).toContain("stat enc-taken key=k");
  });
});
