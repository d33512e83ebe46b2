/**
 * `onObject` (ReadOptions): a read tells what the service's answer says of the object (type, user
 * metadata, ...) once, before its first byte, with no request of its own; concurrent reads tell
 * their stat's answer; a listener that throws fails the read; drivers never see the listener.
 */
import { describe, expect, it } from "@jest/globals";
import type { DriverCallOptions, DriverReadResult, RawObject } from "../src/driver/storage-driver.js";
import { isStorageError, storageError } from "../src/errors/storage-error.js";
import type { ObjectInfo } from "../src/object/object-info.js";
import { openFake, ReadFakeDriver } from "./read-fake-driver.js";

const KiB = 1024;
const TYPE = "application/x-odd";
const METADATA = { k: "v" };

/** The fake driver with a content type and user metadata on every answer; records what options reach it. */
class TypedDriver extends ReadFakeDriver {
  readonly optionKeys: string[][] = [];
  missing = false;

  override async stat(key: string, options: DriverCallOptions): Promise<RawObject> {
    this.optionKeys.push(Object.keys(options));
    return { ...(await super.stat(key, options)), contentType: TYPE, metadata: { ...METADATA } };
  }

  override async read(key: string, range: { offset?: number; size?: number }, options: DriverCallOptions): Promise<DriverReadResult> {
    this.optionKeys.push(Object.keys(options));
    if (this.missing) throw storageError("ObjectNotExist", "no such key");
    const opened = await super.read(key, range, options);
    return { ...opened, object: { ...opened.object!, contentType: TYPE, metadata: { ...METADATA } } };
  }
}

/** Reads `path` through a stream, noting when `onObject` was called relative to the first byte. */
async function readNoting(driver: TypedDriver, path: string, options: Record<string, unknown> = {}): Promise<{ told: Array<ObjectInfo | undefined>; bytesBeforeTold: number[]; data: Buffer }> {
  const told: Array<ObjectInfo | undefined> = [];
  const bytesBeforeTold: number[] = [];
  let bytes = 0;
  const stream = openFake(driver).createReadStream(path, {
    ...options,
    onObject: (o: ObjectInfo | undefined) => {
      told.push(o);
      bytesBeforeTold.push(bytes);
    },
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    chunks.push(chunk);
  }
  return { told, bytesBeforeTold, data: Buffer.concat(chunks) };
}

describe("read's onObject", () => {
  it("tells the answer's object once, before the first byte, path in the caller's form; the driver never sees the listener", async () => {
    const driver = new TypedDriver(10 * KiB);
    const { told, bytesBeforeTold, data } = await readNoting(driver, "/dir/obj");
    expect(data.equals(driver.data)).toBe(true);
    expect(told).toEqual([{ path: "/dir/obj", mode: "file", size: 10 * KiB, etag: '"e1"', contentType: TYPE, metadata: METADATA }]);
    expect(bytesBeforeTold).toEqual([0]);
    expect(driver.stats).toBe(0);
    expect(driver.optionKeys.flat()).not.toContain("onObject");
  });

  it("tells a ranged read the whole object's size; read() (to a buffer) tells it too", async () => {
    const driver = new TypedDriver(10 * KiB);
    const { told, data } = await readNoting(driver, "obj", { offset: 1000, size: 10 });
    expect(data.equals(driver.data.subarray(1000, 1010))).toBe(true);
    expect(told.map((o) => [o?.path, o?.size, o?.contentType])).toEqual([["obj", 10 * KiB, TYPE]]);
    const seen: Array<ObjectInfo | undefined> = [];
    const got = await openFake(driver).read("obj", { onObject: (o) => seen.push(o) });
    expect(got.equals(driver.data)).toBe(true);
    expect(seen.map((o) => o?.metadata)).toEqual([METADATA]);
  });

  it("a concurrent read tells its stat's answer once (no request added); one that stays one stream tells the GET's", async () => {
    const driver = new TypedDriver(50 * KiB);
    const { told, bytesBeforeTold, data } = await readNoting(driver, "obj", { readConcurrency: 3, readPartSize: 8 * KiB });
    expect(data.equals(driver.data)).toBe(true);
    expect([driver.stats, driver.reads.length]).toEqual([1, 7]);
    expect(told.map((o) => [o?.path, o?.size, o?.contentType, o?.metadata])).toEqual([["obj", 50 * KiB, TYPE, METADATA]]);
    expect(bytesBeforeTold).toEqual([0]);
    expect(driver.optionKeys.flat()).not.toContain("onObject");

    const small = new TypedDriver(4 * KiB);
    const one = await readNoting(small, "obj", { readConcurrency: 3, readPartSize: 8 * KiB });
    expect([small.stats, small.reads.length]).toEqual([1, 1]);
    expect(one.told.map((o) => o?.contentType)).toEqual([TYPE]);
  });

  it("a read of 0 bytes tells undefined; a read that fails first tells nothing", async () => {
    const driver = new TypedDriver(KiB);
    const empty = await readNoting(driver, "obj", { size: 0 });
    expect([empty.told, empty.data.length]).toEqual([[undefined], 0]);
    driver.missing = true;
    const told: unknown[] = [];
    const e = await openFake(driver)
      .read("obj", { onObject: (o) => told.push(o) })
      .catch((x: unknown) => x);
    expect(isStorageError(e, "ObjectNotExist")).toBe(true);
    expect(told).toEqual([]);
  });

  it("a listener that throws fails the read (Unexpected, a StorageError as is) and closes the answer's body", async () => {
    const driver = new TypedDriver(10 * KiB);
    const plain = await openFake(driver)
      .read("obj", {
        onObject: () => {
          throw new Error("boom");
        },
      })
      .catch((x: unknown) => x);
    expect(isStorageError(plain, "Unexpected")).toBe(true);
    expect((plain as Error).message).toContain("the onObject listener threw: boom");
    const typed = await openFake(driver)
      .read("obj", {
        readConcurrency: 2,
        readPartSize: 2 * KiB,
        onObject: () => {
          throw storageError("PermissionDenied", "not this one");
        },
      })
      .catch((x: unknown) => x);
    expect(isStorageError(typed, "PermissionDenied")).toBe(true);
    expect(driver.open).toBe(0);
  });

  it("refuses a listener that is no function (InvalidArgument), sending nothing", async () => {
    const driver = new TypedDriver(KiB);
    const e = await openFake(driver)
      .read("obj", { onObject: "yes" } as never)
      .catch((x: unknown) => x);
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    expect([driver.stats, driver.reads.length]).toEqual([0, 0]);
  });
});
