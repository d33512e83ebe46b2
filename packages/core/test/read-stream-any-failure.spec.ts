/**
 * A read stream's failure handling never throws: whatever the driver rejects with (even a value
 * `String()` refuses, such as an object without a prototype), the stream errors with a StorageError
 * naming op, service and path, instead of an exception escaping from a promise handler (which
 * would end the process) and the stream never ending.
 */
import { describe, expect, it } from "@jest/globals";
import type { DriverReadResult } from "../src/driver/storage-driver.js";
import { isStorageError } from "../src/errors/storage-error.js";
import { openFake, ReadFakeDriver } from "./read-fake-driver.js";

/** A driver whose reads reject with `thrown`. */
class RejectingDriver extends ReadFakeDriver {
  constructor(private readonly thrown: unknown) {
    super(16);
  }
  override async read(): Promise<DriverReadResult> {
    throw this.thrown;
  }
}

describe("a read stream whose driver rejects with a value nothing can describe", () => {
  it.each([
    ["an object without a prototype", () => Object.create(null) as unknown],
    ["an object whose toString throws", () => ({ toString: () => { throw new Error("no"); } })],
  ])("errors with Unexpected (%s), and read() rejects with it", async (_label, make) => {
    const store = openFake(new RejectingDriver(make()));
    const stream = store.createReadStream("a.bin");
    const e = await new Promise<unknown>((resolve) => {
      stream.once("error", resolve);
      stream.once("end", () => resolve(undefined));
      stream.resume();
    });
    expect(isStorageError(e) && { code: e.code, op: e.op, service: e.service, path: e.path }).toEqual({ code: "Unexpected", op: "read", service: "fake", path: "a.bin" });
    await expect(store.read("a.bin")).rejects.toMatchObject({ name: "StorageError", code: "Unexpected", op: "read" });
  });
});
