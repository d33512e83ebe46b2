import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { isStorageError, newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { copySourceSseHeaders } from "../src/sse.js";
import "../src/index.js";
import type { QingStorOptions } from "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";

// go-storage's QingStor service lists copy_source_encryption_customer_key_md5 among its Copy pairs.
// The driver computes the header from the key; a given MD5 must be that key's, and needs the key.

const BUCKET = "key-md5-bucket";
const md5 = (key: Buffer): string => createHash("md5").update(key).digest("base64");

function failure(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
  } catch (e) {
    return isStorageError(e) ? { code: e.code, message: e.message } : { code: "not a StorageError", message: String(e) };
  }
  return undefined;
}

describe("copy_source_encryption_customer_key_md5: the header builder", () => {
  const key = randomBytes(32);

  it("takes the key's own MD5 and sends the headers it would send without it", () => {
    expect(copySourceSseHeaders({ copySourceEncryptionCustomerKey: key, copySourceEncryptionCustomerKeyMd5: md5(key) }, true)).toEqual(
      copySourceSseHeaders({ copySourceEncryptionCustomerKey: key }, true),
    );
  });

  it("refuses another key's MD5 and an MD5 without a key, never showing either value", () => {
    const other = md5(randomBytes(32));
    for (const options of [{ copySourceEncryptionCustomerKey: key, copySourceEncryptionCustomerKeyMd5: other }, { copySourceEncryptionCustomerKeyMd5: md5(key) }]) {
      const e = failure(() => copySourceSseHeaders(options, true));
      expect(e).toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("copy_source_encryption_customer_key_md5") });
      for (const secret of [key.toString("base64"), other, md5(key)]) expect(e!.message).not.toContain(secret);
    }
  });
});

describe("copy_source_encryption_customer_key_md5 in a connection string", () => {
  const base = "qingstor://my-bucket/?credential=hmac:AK:SK&location=pek3b";
  const key = randomBytes(32);
  const pair = (name: string, value: string): string => `&${name}=${encodeURIComponent(value)}`;

  it("opens with the key and its MD5 (go-storage's pair names)", () => {
    const conn = `${base}${pair("copy_source_encryption_customer_key", key.toString("base64"))}${pair("copy_source_encryption_customer_key_md5", md5(key))}`;
    expect(failure(() => newStorager(conn))).toBeUndefined();
  });

  it("refuses a value that is no base64 MD5, another key's MD5 or an MD5 without the key (ConnectionStringInvalid: each came from the string)", () => {
    const withKey = `${base}${pair("copy_source_encryption_customer_key", key.toString("base64"))}`;
    for (const bad of ["abc", md5(key).replace("==", ""), Buffer.alloc(17).toString("base64"), createHash("md5").update(key).digest("hex")]) {
      expect([bad, failure(() => newStorager(`${withKey}${pair("copy_source_encryption_customer_key_md5", bad)}`))?.code]).toEqual([bad, "ConnectionStringInvalid"]);
    }
    expect(failure(() => newStorager(`${withKey}${pair("copy_source_encryption_customer_key_md5", md5(randomBytes(32)))}`))?.code).toBe("ConnectionStringInvalid");
    expect(failure(() => newStorager(`${base}${pair("copy_source_encryption_customer_key_md5", md5(key))}`))?.code).toBe("ConnectionStringInvalid");
  });
});

describe("copy_source_encryption_customer_key_md5 on copies (TLS emulator)", () => {
  let tls: Emulator;
  beforeAll(async () => {
    tls = await startEmulator({ provider: "qingstor", tls: true, buckets: [BUCKET] });
  });
  afterAll(async () => {
    await tls.stop();
  });

  const open = (workDir: string, more: Record<string, unknown> = {}): Storager<QingStorOptions> => emulatorStorager(tls, BUCKET, workDir, more);

  it("copies an SSE-C source given its key and the key's MD5", async () => {
    const s = open(`/${randomUUID()}/`);
    const key = randomBytes(32);
    await s.write("src", "top secret", { encryptionCustomerKey: key });
    await s.copy("src", "dst", { copySourceEncryptionCustomerKey: key, copySourceEncryptionCustomerKeyMd5: md5(key) });
    expect((await s.read("dst", { encryptionCustomerKey: key })).toString()).toBe("top secret");
  });

  it("refuses another key's MD5, or an MD5 without a key, before any request", async () => {
    const s = open(`/${randomUUID()}/`);
    const key = randomBytes(32);
    await s.write("src", "top secret", { encryptionCustomerKey: key });
    tls.resetStats();
    await expect(s.copy("src", "dst", { copySourceEncryptionCustomerKey: key, copySourceEncryptionCustomerKeyMd5: md5(randomBytes(32)) })).rejects.toMatchObject({ code: "InvalidArgument" });
    // The message reads whole: nothing in it looks like a secret to the redaction (a pair name then ": " did).
    await expect(s.copy("src", "dst", { copySourceEncryptionCustomerKeyMd5: md5(key) })).rejects.toMatchObject({
      code: "InvalidArgument",
      message: expect.stringContaining("(QingStor needs the source's key itself, not only its MD5)"),
    });
    expect(tls.stats().requests).toBe(0);
    await expect(s.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("an open-time key and MD5 apply to copies; a call's own key drops the open-time MD5", async () => {
    const workDir = `/${randomUUID()}/`;
    const opened = randomBytes(32);
    const other = randomBytes(32);
    const s = open(workDir, { copySourceEncryptionCustomerKey: opened, copySourceEncryptionCustomerKeyMd5: md5(opened) });
    await s.write("a", "under the open-time key", { encryptionCustomerKey: opened });
    await s.write("b", "under another key", { encryptionCustomerKey: other });
    await s.copy("a", "a2");
    expect((await s.read("a2", { encryptionCustomerKey: opened })).toString()).toBe("under the open-time key");
    await s.copy("b", "b2", { copySourceEncryptionCustomerKey: other });
    expect((await s.read("b2", { encryptionCustomerKey: other })).toString()).toBe("under another key");
  });
});
