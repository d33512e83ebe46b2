/**
 * TLS set-up mistakes a newcomer makes against an https endpoint, and the tls_ca forms that work:
 * the PEM itself, or the absolute path of the file the emulator's --tls prints.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type StorageError } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "tls-oss";
const CRED = "credential=hmac:stowage-ak:stowage-sk&location=cn-hangzhou";
let tls: Emulator;
let plain: Emulator;
let dir: string;

beforeAll(async () => {
  tls = await startEmulator({ provider: "oss", tls: true, buckets: [BUCKET] });
  plain = await startEmulator({ provider: "oss", buckets: [BUCKET] });
  dir = await mkdtemp(join(tmpdir(), "stowage-tls-"));
});
afterAll(async () => {
  await tls.stop();
  await plain.stop();
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<StorageError> {
  try {
    await p;
  } catch (e) {
    return e as StorageError;
  }
  throw new Error("expected a failure");
}

describe("tls_ca", () => {
  it("takes the absolute path of a PEM file, in a connection string", async () => {
    const file = join(dir, "ca.pem");
    await writeFile(file, tls.ca!);
    const store = newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}&tls_ca=${file}`);
    await store.write("a.txt", "over https");
    expect((await store.read("a.txt")).toString()).toBe("over https");
  });

  it("a file that cannot be read, or holds no certificate, is refused at open", async () => {
    const missing = join(dir, "nope.pem");
    expect(() => newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}&tls_ca=${missing}`)).toThrow(/ConnectionStringInvalid: tls_ca: cannot read .*nope\.pem.*ENOENT/);
    // Relabelled for the connection string, with the file system's error still its cause (--debug shows it).
    let opened: unknown;
    try {
      newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}&tls_ca=${missing}`);
    } catch (e) {
      opened = e;
    }
    expect((opened as { cause?: { code?: string } }).cause?.code).toBe("ENOENT");
    const junk = join(dir, "junk.pem");
    await writeFile(junk, "not a certificate");
    expect(() => newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}&tls_ca=${junk}`)).toThrow(/holds no PEM certificate/);
  });

  it("a PEM that holds no certificate (a key) is refused, in the value or in the file", async () => {
    const key = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
    expect(() => newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}&tls_ca=${encodeURIComponent(key)}`)).toThrow(/holds no certificate/);
    const file = join(dir, "key.pem");
    await writeFile(file, key);
    expect(() => newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}&tls_ca=${file}`)).toThrow(/holds no PEM certificate/);
  });

  it("takes the other certificate markers OpenSSL reads (TRUSTED CERTIFICATE)", async () => {
    const trusted = tls.ca!.replace(/BEGIN CERTIFICATE/g, "BEGIN TRUSTED CERTIFICATE").replace(/END CERTIFICATE/g, "END TRUSTED CERTIFICATE");
    const file = join(dir, "trusted.pem");
    await writeFile(file, trusted);
    expect(() => newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}&tls_ca=${file}`)).not.toThrow();
  });

  it("a value that is neither a PEM nor an absolute path is refused", () => {
    expect(() => newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}&tls_ca=ca.pem`)).toThrow(/ConnectionStringInvalid.*PEM certificate.*absolute path/);
  });
});

describe("TLS failures are typed, final and say what to do", () => {
  it("an untrusted self-signed certificate: Unexpected, not retried, pointing at tls_ca", async () => {
    const store = newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${tls.port}`);
    const e = await failure(store.stat("a.txt"));
    expect(e.code).toBe("Unexpected");
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("tls_ca");
  });

  it("an https endpoint whose server speaks plain http: Unexpected, not retried, suggesting http:", async () => {
    const store = newStorager(`oss://${BUCKET}/?${CRED}&endpoint=https:127.0.0.1:${plain.port}`);
    const e = await failure(store.stat("a.txt"));
    expect(e.code).toBe("Unexpected");
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("does not speak TLS");
    expect(e.message).not.toContain("SSL routines");
  });
});
