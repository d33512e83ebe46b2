import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import { useFetchSource } from "./fetch-source.js";

// QingStor's fetch stores the source's bytes as sent: a body served with `Content-Encoding: gzip`
// (an object stored gzipped) is kept gzipped, and one only labelled gzip is kept as it is. The
// emulator fetched with Node's fetch, which decoded the first and failed on the second.

const BUCKET = "fetch-encoding";
const GZIPPED = gzipSync(Buffer.from("hello, ".repeat(200)));
const LABELLED = Buffer.from("not gzip at all, only labelled so");
let emulator: Emulator;

const source = useFetchSource((req, res) => {
  const body = req.url === "/real.gz" ? GZIPPED : LABELLED;
  res.writeHead(200, { "content-length": String(body.length), "content-encoding": "gzip", "content-type": "application/octet-stream" });
  res.end(body);
});

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});

afterAll(async () => {
  await emulator.stop();
});

describe("QingStor fetch of an encoded source", () => {
  it("stores a gzipped body gzipped, and a body only labelled gzip as it is", async () => {
    const store = newStorager(emulator.connectionString(BUCKET, "/enc/"));
    await store.fetch("real.gz", `${source.base}/real.gz`);
    expect(Buffer.compare(await store.read("real.gz"), GZIPPED)).toBe(0);
    await store.fetch("label.bin", `${source.base}/label.bin`);
    expect(Buffer.compare(await store.read("label.bin"), LABELLED)).toBe(0);
  });
});
