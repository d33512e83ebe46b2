import type { DriverReadResult, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { defineFeatures } from "../src/features.js";
import type { HttpClient } from "../src/http/http-client.js";
import { httpPairs } from "../src/http/http-pairs.js";
import type { HttpRequest } from "../src/http/http-request.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/**
 * A storager whose driver reads one `size`-byte object (ETag `"v1"`) through `http`, sending
 * `request(headers)` with a `Range` header for ranged reads (resumes), and records each read's
 * range in `reads`. Opened with `retry_base_delay=0&max_retries=3`.
 */
export function rangedHttpStore(type: string, http: HttpClient, request: (headers: Record<string, string>) => HttpRequest, size: number): { store: Storager; reads: Array<{ offset?: number; size?: number }> } {
  const reads: Array<{ offset?: number; size?: number }> = [];
  const driver: StorageDriver = {
    service: type,
    name: "bucket",
    features: defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, readRange: true }),
    stat: async (key) => ({ key, mode: "file", size }),
    read: async (key, range): Promise<DriverReadResult> => {
      reads.push(range);
      const from = range.offset ?? 0;
      const headers: Record<string, string> = range.offset === undefined && range.size === undefined ? {} : { range: `bytes=${from}-${from + (range.size ?? size - from) - 1}` };
      const res = await http.send(request(headers));
      const object: RawObject = { key, mode: "file", size, etag: '"v1"' };
      return { stream: res.stream(), object };
    },
    write: async () => ({}),
    delete: async () => undefined,
    listPage: async () => ({ items: [] }),
  };
  const definition: ServiceDefinition = { type, packageName: type, description: "test", pairs: { ...httpPairs }, newStorageDriver: () => driver };
  const store = createStorager(driver, { ...resolveOpenConfig(definition, `${type}://bucket/?retry_base_delay=0&max_retries=3`, "storager"), definition });
  return { store, reads };
}
