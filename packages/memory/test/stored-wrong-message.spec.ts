import { describe, expect, it } from "@jest/globals";
import { ErrorCode, newStorager, registerService, removeStoredWrong, storageError, type OpenConfig, type ServiceDefinition } from "@stowage/core";
import { memoryService } from "../src/index.js";

// An object stored with other bytes than sent is deleted, and the error says whether that worked.

describe("removeStoredWrong", () => {
  it("says the object was removed, or that it could not be and is still there", async () => {
    expect(await removeStoredWrong(async () => undefined)).toBe("the object was removed");
    expect(await removeStoredWrong(async () => undefined, "copy")).toBe("the copy was removed");
    const refused = await removeStoredWrong(() => Promise.reject(storageError(ErrorCode.PermissionDenied, "no delete for you")));
    expect(refused).toBe("the object could not be removed (DeleteObject failed: PermissionDenied: no delete for you): it is still there, with the wrong bytes");
  });
});

/** Memory storage that reports a CRC-64 other than the bytes' for every write, and whose delete may be refused. */
function wrongCrcStorage(type: string, refuseDelete: boolean): ServiceDefinition {
  return {
    ...memoryService,
    type,
    packageName: type,
    newStorageDriver(config: OpenConfig) {
      const driver = memoryService.newStorageDriver(config);
      const write = driver.write.bind(driver);
      driver.write = async (key, body, options) => ({ ...(await write(key, body, options)), crc64: "1" });
      if (refuseDelete) driver.delete = () => Promise.reject(storageError(ErrorCode.PermissionDenied, "no delete for you"));
      return driver;
    },
  };
}

describe("a write stored with a wrong CRC-64", () => {
  it("fails with IntegrityMismatch saying the object was removed, and it is gone", async () => {
    registerService(wrongCrcStorage("wrongcrc", false));
    const store = newStorager("wrongcrc://stored-wrong-a/");
    await expect(store.write("k", "hello")).rejects.toThrow(/IntegrityMismatch: crc64 mismatch: .*; the object was removed/);
    await expect(newStorager("memory://stored-wrong-a/").stat("k")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("says so when the delete fails: the object is still there", async () => {
    registerService(wrongCrcStorage("wrongcrcnodelete", true));
    const store = newStorager("wrongcrcnodelete://stored-wrong-b/");
    await expect(store.write("k", "hello")).rejects.toThrow(/the object could not be removed \(DeleteObject failed: PermissionDenied: no delete for you\): it is still there/);
    expect((await newStorager("memory://stored-wrong-b/").read("k")).toString()).toBe("hello");
  });
});
