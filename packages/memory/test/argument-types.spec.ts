import { describe, expect, it } from "@jest/globals";
import { newStorager, type ObjectInfo, type Part } from "@stowage/core";
import "../src/index.js";

/** Calls from untyped JavaScript: a wrong argument type is InvalidArgument with op and service, never Unexpected. */
describe("memory: arguments of the wrong type", () => {
  const store = newStorager("memory://args/");
  const cases: Array<[string, () => Promise<unknown>]> = [
    ["list(undefined)", async () => store.list(undefined as unknown as string)[Symbol.asyncIterator]().next()],
    ["listPage(42)", () => store.listPage(42 as unknown as string)],
    ["deleteMany('a')", () => store.deleteMany("a" as unknown as string[])],
    ["deleteMany(null)", () => store.deleteMany(null as unknown as string[])],
    ["writeAppend(null)", () => store.writeAppend(null as unknown as ObjectInfo, "x")],
    ["commitAppend({ path: 7 })", () => store.commitAppend({ path: 7 } as unknown as ObjectInfo)],
    ["writeMultipart(null)", () => store.writeMultipart(null as unknown as ObjectInfo, "x", { index: 0 })],
    ["completeMultipart(undefined)", () => store.completeMultipart(undefined as unknown as ObjectInfo, [] as Part[])],
    ["listMultipart(null)", async () => store.listMultipart(null as unknown as ObjectInfo)[Symbol.asyncIterator]().next()],
  ];
  it.each(cases)("%s is InvalidArgument", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ name: "StorageError", code: "InvalidArgument", service: "memory" });
  });
});
