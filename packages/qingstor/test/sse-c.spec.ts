import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { checkSseCAppends, checkSseCCopies, checkSseCDirs, checkSseCKeyHints } from "@stowage/behavior-tests";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import type { QingStorOptions } from "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";
import { startFetchSource } from "./fetch-source.js";

const BUCKET = "ssec-bucket";

describe("qingstor SSE-C copies", () => {
  let tls: Emulator;
  beforeAll(async () => {
    tls = await startEmulator({ provider: "qingstor", tls: true, buckets: [BUCKET] });
  });
  afterAll(async () => {
    await tls.stop();
  });

  /** A storager on `workDir` of the TLS emulator, with customer key `key` (none: plain) and `more` options. */
  const open = (workDir: string, key?: Buffer, more: Record<string, unknown> = {}): Storager =>
    emulatorStorager(tls, BUCKET, workDir, { ...(key === undefined ? {} : { encryptionCustomerKey: key }), ...more });

  it("copy and move of the storager's own objects, a plain source, a source under another key; stat of its directories; appends refused; a stat with a wrong or no key names the key", async () => {
    const workDir = `/${randomUUID()}/`;
    const opened = (key?: Buffer): Storager => open(workDir, key);
    await checkSseCCopies(opened);
    await checkSseCDirs(opened);
    await checkSseCAppends(opened);
    await checkSseCKeyHints(opened, "encryption_customer_key");
  });

  it("a storager opened with a customer key has no fetch (QingStor's fetch takes no key: it would store plain bytes): refused, nothing stored", async () => {
    const source = await startFetchSource((_req, res) => {
      res.writeHead(200, { "content-length": "12" });
      res.end("fetched data");
    });
    try {
      const url = `${source.base}/x`;
      const workDir = `/${randomUUID()}/`;
      const keyed = open(workDir, randomBytes(32));
      const plain = open(workDir);
      expect(keyed.features.fetch).toBe(false);
      tls.resetStats();
      await expect(keyed.fetch("f", url)).rejects.toMatchObject({ code: "CapabilityInsufficient" });
      expect(tls.stats().requests).toBe(0);
      await expect(plain.stat("f")).rejects.toMatchObject({ code: "ObjectNotExist" });
      expect(plain.features.fetch).toBe(true);
      await plain.fetch("f", url);
      expect((await plain.read("f")).toString()).toBe("fetched data");
      await plain.delete("f");
    } finally {
      await source.stop();
    }
  });

  it("a move of an SSE-C object whose answer is lost is recognised (the source's HEAD carries the key)", async () => {
    const store = open(`/${randomUUID()}/`, randomBytes(32), { retryBaseDelay: 1, retryMaxDelay: 5 });
    await store.write("e", "secret data");
    // reset: the emulator performs the move, then resets the connection; the retry finds no source.
    tls.setFaults([{ kind: "reset", operation: "MoveObject", count: 1 }]);
    try {
      await store.move("e", "e2");
      expect(tls.faults().map((f) => f.fired)).toEqual([1]);
    } finally {
      tls.setFaults([]);
    }
    expect((await store.read("e2")).toString()).toBe("secret data");
    await expect(store.stat("e")).rejects.toMatchObject({ code: "ObjectNotExist" });
    await store.delete("e2");
  });

  it("a copy with a customer key over plain http is refused before any request", async () => {
    const plain = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
    try {
      const s = newStorager<QingStorOptions>(plain.connectionString(BUCKET, `/${randomUUID()}/`));
      plain.resetStats();
      await expect(s.copy("a", "b", { encryptionCustomerKey: randomBytes(32) })).rejects.toMatchObject({ code: "InvalidArgument" });
      await expect(s.copy("a", "b", { copySourceEncryptionCustomerKey: randomBytes(32) })).rejects.toMatchObject({ code: "InvalidArgument" });
      expect(plain.stats().requests).toBe(0);
    } finally {
      await plain.stop();
    }
  });
});
