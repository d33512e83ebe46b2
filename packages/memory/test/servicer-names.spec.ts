/**
 * The memory servicer takes the names a connection string can carry: a name holding "@" (URL user
 * information, refused by newStorager) or a control character is InvalidArgument in create, get and
 * delete, no store is made, and the name before an "@" is never shown. A store of such a name made
 * otherwise (newStorager with an options object) is left out of the listing, with a warning; delete
 * takes no location (memory has none).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { newServicer, newStorager, UNLISTED_BUCKETS_WARNING } from "@stowage/core";
import "../src/index.js";
import { dropStore, findStore } from "../src/store.js";

const servicer = newServicer("memory://");
let warn: ReturnType<typeof jest.spyOn>;

beforeEach(() => {
  warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
});

describe("memory servicer: names", () => {
  it.each(["ak:SECRET@mn-store", "mn\u0000x", "mn\u0007x", "mn\u007fx"])("refuses %j in create, get and delete, and makes no store", async (name) => {
    const calls: Array<() => unknown> = [() => servicer.create(name), () => servicer.get(name), () => servicer.delete(name)];
    for (const call of calls) {
      const e = await Promise.resolve().then(call).then(() => undefined, (err: unknown) => err as Error & { path?: string });
      expect(e).toMatchObject({ code: "InvalidArgument" });
      expect(e!.message).not.toContain("SECRET");
      expect(e!.path).not.toContain("SECRET");
    }
    expect(findStore(name)).toBeUndefined();
  });

  it("leaves a store of such a name out of the listing, with a warning, and lists the others", async () => {
    newStorager({ type: "memory", name: "mn-ctl\u0001x" });
    await servicer.create("mn-plain");
    const names: string[] = [];
    for await (const s of servicer.list()) names.push(s.info.name);
    expect(names).toContain("mn-plain");
    expect(names).not.toContain("mn-ctl\u0001x");
    const mine = (warn.mock.calls as unknown[][]).filter(([m]) => String(m).includes("mn-ctl"));
    expect(mine).toHaveLength(1);
    expect(mine[0]![1]).toMatchObject({ code: UNLISTED_BUCKETS_WARNING });
    expect(String(mine[0]![0])).toContain('"mn-ctl\\u0001x" (InvalidArgument: the bucket name holds a control character');
    await servicer.delete("mn-plain");
    dropStore("mn-ctl\u0001x");
  });

  it("delete takes no location", async () => {
    await expect(servicer.delete("mn-any", { location: "x" })).rejects.toMatchObject({ code: "PairUnsupported", message: expect.stringContaining("memory has no use for it") });
  });
});
