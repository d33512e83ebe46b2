// @stowage/cos through core's public Storager, with its defaults: integrity ON (Content-MD5 on
// writes and parts, CRC-64 computed for every write and checked where the service returns one,
// CRC-64 of whole-object reads checked against x-cos-hash-crc64ecma), core's retries and agents.
// Importing the package registers the `cos` scheme; the connection string comes from the emulator.

import { pipeline } from "node:stream/promises";
import { importDist } from "../lib/paths.mjs";

export async function createClient(target) {
  await importDist("cos");
  const { newStorager } = await importDist("core");
  const store = newStorager(target.connectionString);

  return {
    name: "stowage",
    async putSmall(key, body) {
      await store.write(key, body);
    },
    async getSmall(key) {
      return (await store.read(key)).length;
    },
    /** A write stream with the size known up front (so parts are planned; core's default part size and concurrency). */
    async putStream(key, source, size) {
      await pipeline(source, store.createWriteStream(key, { size }));
    },
    async getStream(key) {
      let bytes = 0;
      for await (const c of store.createReadStream(key)) bytes += c.length;
      return bytes;
    },
    async multipart(key, source, size, partSize, concurrency) {
      const r = await store.write(key, source, { size, partSize, concurrency });
      return r.parts ?? 1;
    },
    async list(prefix) {
      let count = 0;
      for await (const o of store.list(prefix, { mode: "prefix", limit: 1000 })) if (o.mode !== "dir") count++;
      return count;
    },
  };
}
