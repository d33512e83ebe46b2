import { afterEach, describe, expect, it } from "@jest/globals";
import { request } from "node:http";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { HttpClient } from "../src/http/http-client.js";
import { networkError } from "../src/http/network-error.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { checkPairValue } from "../src/pairs/parse-value.js";
import { parseConnectionString } from "../src/registry/connection-string.js";
import { parseCredential } from "../src/registry/credential.js";
import { resolveStaticCredentials } from "../src/registry/static-credential-source.js";
import { type CredentialShape } from "../src/registry/credential-source.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { checkServicerOptions } from "../src/storager/servicer-options.js";
import { defineFeatures } from "../src/features.js";
import { createStorager } from "../src/storager/create-storager.js";
import { reply, startTestServer, type TestServer } from "./http-test-server.js";
import { openRecording, RecordingDriver } from "./recording-driver.js";

const SECRET = "FAKEsecretKEY0123456789";
const TOKEN = "FAKEtoken";

const demo: ServiceDefinition = {
  type: "demo",
  packageName: "@stowage/demo",
  description: "demo service",
  pairs: {},
  newStorageDriver: () => {
    throw new Error("not used");
  },
};

function fails(code: string, fn: () => unknown, ...hidden: string[]): StorageError {
  try {
    fn();
  } catch (e) {
    if (!isStorageError(e)) throw e;
    expect(e.code).toBe(code);
    for (const text of [SECRET, TOKEN, ...hidden]) {
      expect(e.message).not.toContain(text);
      expect(JSON.stringify(e.toJSON())).not.toContain(text);
    }
    return e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

async function failsAsync(code: string, p: Promise<unknown>): Promise<StorageError> {
  try {
    await p;
  } catch (e) {
    if (!isStorageError(e)) throw e;
    expect(e.code).toBe(code);
    return e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** Presign options with pairs `PresignOptions` does not declare (storage class, SSE): accepted at run time. */
function signed(extra: Record<string, unknown>): { expires: number } {
  return { expires: 60, ...extra };
}

describe("a pair given twice (H2)", () => {
  it("is refused when the values differ: the query's work_dir after the path part's", () => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(demo, "demo://b/?work_dir=/backup/", "storager"), "/backup/");
    expect(e.message).toContain('"work_dir"');
    expect(e.message).toContain("path part");
    fails("ConnectionStringInvalid", () => parseConnectionString("demo://b/dir/?work_dir=/other/"));
    fails("ConnectionStringInvalid", () => parseConnectionString("demo://b?name=c"));
    fails("ConnectionStringInvalid", () => parseConnectionString("demo://?name=&name=shared"));
    fails("ConnectionStringInvalid", () => parseConnectionString("demo://b?location=ap-x&location=ap-y"));
  });

  it("never shows the values, which may be secrets", () => {
    const e = fails("ConnectionStringInvalid", () => parseConnectionString(`demo://b?credential=hmac:AK:${SECRET}&credential=hmac:AK:${TOKEN}`));
    expect(e.message).toContain('"credential"');
    fails("ConnectionStringInvalid", () => parseConnectionString(`demo://b?security_token=${TOKEN}&security_token=${SECRET}`));
  });

  it("is accepted when the value is the same (work_dirs compared normalised)", () => {
    expect(resolveOpenConfig(demo, "demo://b/backup/?work_dir=/backup/", "storager").config.workDir).toBe("/backup/");
    expect(resolveOpenConfig(demo, "demo://b/backup?work_dir=/backup/&name=b", "storager").config).toMatchObject({ name: "b", workDir: "/backup/" });
    expect(resolveOpenConfig(demo, "demo://b?location=ap-x&location=ap-x", "storager").config.location).toBe("ap-x");
  });
});

describe("location (M2)", () => {
  it("must be DNS labels in a connection string (ConnectionStringInvalid)", () => {
    for (const bad of ["", "evil.example%23", "a%40evil.example%2F", "ap%20guangzhou", "x%2F..%2Fy", "AP-X", "a..b", "%0D%0A", "h%3A80"]) {
      const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(demo, `demo://b?location=${bad}`, "storager"));
      expect(e.message).toContain('"location"');
    }
    expect(resolveOpenConfig(demo, "demo://b?location=oss-cn-hangzhou", "storager").config.location).toBe("oss-cn-hangzhou");
    expect(resolveOpenConfig(demo, "demo://b?location=a.b-c.d0", "storager").config.location).toBe("a.b-c.d0");
  });

  it("must be DNS labels in an options object, and in servicer create (InvalidArgument)", () => {
    fails("InvalidArgument", () => resolveOpenConfig(demo, { type: "demo", name: "b", location: "evil.example#" }, "storager"));
    fails("InvalidArgument", () => resolveOpenConfig(demo, { type: "demo", name: "b", location: "ap guangzhou" }, "storager"));
    fails("InvalidArgument", () => checkServicerOptions("create", { location: "a@evil.example/" }, { service: "demo", loose: false }));
    expect(checkServicerOptions("create", { location: "pek3b" }, { service: "demo", loose: false })).toEqual({ location: "pek3b" });
  });
});

/** A recording storager whose service has storage classes. */
function openWithClasses(): { driver: RecordingDriver; store: ReturnType<typeof createStorager> } {
  const features = { stat: true, read: true, write: true, delete: true, list: true, listPrefix: true, multipart: true, storageClass: true, presignWrite: true };
  const driver = new RecordingDriver(defineFeatures(features));
  const definition: ServiceDefinition = { type: "rec", packageName: "rec", description: "test", pairs: {}, newStorageDriver: () => driver };
  return { driver, store: createStorager(driver, { ...resolveOpenConfig(definition, "rec://bucket/", "storager"), definition }) };
}

describe("storage_class (M1)", () => {
  it("must be a non-empty header-safe word, checked before the driver is called, presign included", async () => {
    const { driver, store } = openWithClasses();
    for (const bad of ["STANDARD\r\nX-Evil: 1", "Stándard", "", "STANDARD IA", "\u0000"]) {
      await failsAsync("InvalidArgument", store.write("k", "v", { storageClass: bad }));
      await failsAsync("InvalidArgument", store.presign("write", "k", signed({ storageClass: bad })));
      await failsAsync("InvalidArgument", store.createMultipart("k", { storageClass: bad }));
    }
    expect(driver.calls).toEqual([]);
    await store.write("k", "v", { storageClass: "STANDARD_IA" });
    expect(driver.calls.map((c) => c.method)).toEqual(["write"]);
  });

  it("is checked as a default at open", () => {
    fails("ConnectionStringInvalid", () => resolveOpenConfig(demo, "demo://b?default_storage_class=A%0AB", "storager"));
    fails("InvalidArgument", () => resolveOpenConfig(demo, { type: "demo", defaultStorageClass: "" }, "storager"));
    expect(resolveOpenConfig(demo, "demo://b?default_storage_class=Archive", "storager").defaults).toEqual({ storageClass: "Archive" });
  });
});

describe("security tokens and keys with characters no header carries (M3)", () => {
  it("are refused when the credential is parsed, naming the part, never the value", () => {
    for (const token of [`${TOKEN}\n`, `${TOKEN}\r\nX-Evil=1`, `${TOKEN}\u2028`, `€${TOKEN}`]) {
      const e = fails("InvalidArgument", () => parseCredential(`hmac:AK:${SECRET}:${token}`));
      expect(e.message).toContain("security token");
    }
    expect(fails("InvalidArgument", () => parseCredential(`hmac:AK:${SECRET}\n`)).message).toContain("secret key");
    expect(fails("InvalidArgument", () => parseCredential(`hmac:A\nK:${SECRET}`), "A\nK").message).toContain("access key");
    // Latin-1 goes through (Node sends it), as on the provider path.
    expect(parseCredential(`hmac:AK:${SECRET}:tök`)).toMatchObject({ securityToken: "tök" });
  });

  it("make the connection string invalid; in an options object, InvalidArgument", () => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(demo, `demo://b?credential=hmac:AK:${SECRET}:${TOKEN}%0D%0A`, "storager"));
    expect(e.message).toContain('"credential"');
    fails("InvalidArgument", () =>
      resolveOpenConfig(demo, { type: "demo", credential: { protocol: "hmac", accessKey: "AK", secretKey: SECRET, securityToken: `${TOKEN}\n` } }, "storager"),
    );
  });

  it("read from the environment are refused, naming the variable", () => {
    const shape: CredentialShape<{ a: string; s: string; t?: string }> = {
      keys: ["a", "s"],
      env: { accessKey: ["X_AK"], secretKey: ["X_SK"], securityToken: ["X_TOKEN"] },
      make: (a, s, t) => ({ a, s, ...(t === undefined ? {} : { t }) }),
    };
    const e = fails("InvalidArgument", () => resolveStaticCredentials({ protocol: "env" }, shape, undefined, { X_AK: "AK", X_SK: SECRET, X_TOKEN: `${TOKEN}\n` }));
    expect(e.message).toContain("X_TOKEN");
    expect(resolveStaticCredentials({ protocol: "env" }, shape, undefined, { X_AK: "AK", X_SK: SECRET, X_TOKEN: TOKEN })).toEqual({ a: "AK", s: SECRET, t: TOKEN });
  });
});

/** The error Node raises, before sending anything, for a request with header `name: value`. */
function nodeRefusal(name: string, value: string): unknown {
  try {
    const req = request({ host: "127.0.0.1", port: 9, headers: { [name]: value } });
    req.on("error", () => {});
    req.destroy();
  } catch (e) {
    return e;
  }
  throw new Error("Node accepted the header");
}

describe("Node's local refusal of a header (M6)", () => {
  it("is InvalidArgument, not retryable, naming the header and never its value", () => {
    const value = `${TOKEN}\r\nX-Evil: 1`;
    const e = networkError(nodeRefusal("x-cos-security-token", value), "put_object");
    expect([e.code, e.retryable]).toEqual(["InvalidArgument", false]);
    expect(e.message).toContain("x-cos-security-token");
    expect(e.message).toContain("put_object");
    expect(e.message).not.toContain(TOKEN);
    expect(JSON.stringify(e.toJSON())).not.toContain(TOKEN);
    const beyond = networkError(nodeRefusal("x-oss-storage-class", "Stándard€"));
    expect([beyond.code, beyond.retryable]).toEqual(["InvalidArgument", false]);
    const name = networkError(nodeRefusal("bad name", "v"));
    expect([name.code, name.retryable]).toEqual(["InvalidArgument", false]);
    const undef = networkError(Object.assign(new TypeError(`Invalid value "${TOKEN}" for header "x-a"`), { code: "ERR_HTTP_INVALID_HEADER_VALUE" }));
    expect(undef.code).toBe("InvalidArgument");
    expect(undef.message).toContain('header "x-a"');
    expect(undef.message).not.toContain(TOKEN);
  });
});

describe("a header Node refuses, sent through the HTTP client (M6)", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("fails once with InvalidArgument, nothing sent, no retry", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "ok"));
    const client = new HttpClient({ service: "test", requestIdHeader: "x-request-id", retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5 }, random: () => 0 });
    const request = { method: "PUT", protocol: "http" as const, host: "127.0.0.1", port: server.port, path: "/k", headers: { "x-cos-security-token": `${TOKEN}\nX: 1` }, operation: "put_object" };
    const e = await failsAsync("InvalidArgument", client.sendBuffered(request));
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("x-cos-security-token");
    expect(e.message).not.toContain(TOKEN);
    expect(server.seen).toHaveLength(0);
  });
});

describe("presign expires (L4)", () => {
  it("says it must be a number of seconds", async () => {
    const e = fails("InvalidArgument", () => checkPairValue(globalPairs.expires, "60"));
    expect(e.message).toContain("number of seconds");
    const { store } = openRecording();
    expect((await failsAsync("InvalidArgument", store.presign("read", "k", { expires: "60" as unknown as number }))).message).toContain("number of seconds");
  });
});
