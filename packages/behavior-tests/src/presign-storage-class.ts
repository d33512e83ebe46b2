import { expect } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { send } from "./cases/presign.js";
import { expectError } from "./fixtures.js";

/**
 * Checks that an open-time `default_storage_class` reaches presigned writes: a
 * presigned PUT and a presigned createMultipart sign the class and return its
 * header (`header`, e.g. `x-cos-storage-class`) in `headers`, the object PUT
 * through the URL has that class, a presigned read still works with the default
 * set (and carries no class), and a call-site class on a presigned read is refused.
 *
 * `connection` must open a storager on an empty work_dir of a service that
 * takes `storageClass` (a class other than the service's default, so the
 * check can fail).
 */
export async function checkPresignedStorageClass(connection: string, storageClass: string, header: string): Promise<void> {
  const store = newStorager(`${connection}&default_storage_class=${encodeURIComponent(storageClass)}`);
  const put = await store.presign("write", "classed.txt", { expires: 600 });
  expect(put.headers[header]).toBe(storageClass);
  expect((await send(put, Buffer.from("classed"))).ok).toBe(true);
  expect((await store.stat("classed.txt")).storageClass).toBe(storageClass);

  const init = await store.presign("createMultipart", "classed-mp.txt", { expires: 600 });
  expect(init.headers[header]).toBe(storageClass);

  const get = await store.presign("read", "classed.txt", { expires: 600 });
  expect(get.headers[header]).toBeUndefined();
  expect(await (await send(get)).text()).toBe("classed");
  await expectError(() => store.presign("read", "classed.txt", { expires: 600, storageClass } as never), "InvalidArgument");
  await store.delete("classed.txt");
}
