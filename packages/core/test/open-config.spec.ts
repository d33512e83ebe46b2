import { describe, expect, it } from "@jest/globals";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { definePair } from "../src/pairs/pair-definition.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";

const SECRET = "FAKEsecretKEY0123456789";
const TOKEN = "FAKEsessionTOKEN987";

const definition: ServiceDefinition = {
  type: "demo",
  packageName: "@stowage/demo",
  description: "demo service",
  pairs: {
    serverSideEncryption: definePair({
      name: "server_side_encryption",
      type: "string",
      description: "SSE",
      operations: ["write", "createMultipart"],
      defaultable: true,
      enum: ["AES256", "KMS"],
    }),
    enableVirtualDir: definePair({ name: "enable_virtual_dir", type: "boolean", description: "virtual dirs", operations: ["new"] }),
    requestTimeout: definePair({ name: "request_timeout", type: "duration", description: "timeout", operations: ["new"] }),
    uploadBuffer: definePair({ name: "upload_buffer", type: "size", description: "tuning", operations: ["new", "write", "writeMultipart"] }),
    customerKey: definePair({ name: "customer_key", type: "bytes", description: "SSE-C key", operations: ["new", "read"], secret: true }),
    hook: definePair({ name: "hook", type: "function", description: "not parseable", operations: ["new"] }),
  },
  storagerRequires: ["name", "credential"],
  servicerRequires: ["credential"],
  newStorageDriver: () => {
    throw new Error("not used");
  },
};

function fails(code: string, fn: () => unknown): StorageError {
  try {
    fn();
  } catch (e) {
    if (!isStorageError(e) || e.code !== code) throw e;
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain(TOKEN);
    expect(JSON.stringify(e.toJSON())).not.toContain(SECRET);
    return e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const CRED = `credential=hmac:AKID:${SECRET}`;

describe("resolveOpenConfig from a connection string", () => {
  it("resolves a full connection string", () => {
    const r = resolveOpenConfig(
      definition,
      `demo://bucket-1/backups/2026?${CRED}:${TOKEN}&endpoint=https:h.example.com&location=ap-x&enable_virtual_dir&request_timeout=30s&part_size=8MiB&concurrency=4&multipart_threshold=64M`,
      "storager",
    );
    expect(r.config).toEqual({
      name: "bucket-1",
      workDir: "/backups/2026/",
      credential: { protocol: "hmac", accessKey: "AKID", secretKey: SECRET, securityToken: TOKEN },
      endpoint: { protocol: "https", host: "h.example.com", port: 443, url: "https://h.example.com" },
      location: "ap-x",
      enableVirtualDir: true,
      requestTimeout: 30000,
      partSize: 8 * 1024 ** 2,
      concurrency: 4,
      multipartThreshold: 64 * 1024 ** 2,
    });
    expect(r.defaults).toEqual({ partSize: 8 * 1024 ** 2, concurrency: 4, multipartThreshold: 64 * 1024 ** 2 });
    expect(r.loose).toBe(false);
    expect(r.pairs.storageClass).toBe(globalPairs.storageClass);
    expect(r.pairs.serverSideEncryption).toBe(definition.pairs.serverSideEncryption);
  });

  it("defaults work_dir to / and normalises it", () => {
    expect(resolveOpenConfig(definition, `demo://b?${CRED}`, "storager").config.workDir).toBe("/");
    expect(resolveOpenConfig(definition, `demo://b/x?${CRED}`, "storager").config.workDir).toBe("/x/");
    expect(resolveOpenConfig(definition, `demo://b?${CRED}&work_dir=\\y\\z`, "storager").config.workDir).toBe("/y/z/");
    // A relative work_dir pair is refused, not put under /.
    expect(() => resolveOpenConfig(definition, `demo://b?${CRED}&work_dir=y/z`, "storager")).toThrow(/ConnectionStringInvalid.*must be absolute/);
  });

  it("turns default_<x> pairs into operation defaults, driver pairs too", () => {
    const r = resolveOpenConfig(definition, `demo://b?${CRED}&default_storage_class=STANDARD_IA&default_content_type=text/plain&default_server_side_encryption=AES256`, "storager");
    expect(r.defaults).toEqual({ storageClass: "STANDARD_IA", contentType: "text/plain", serverSideEncryption: "AES256" });
    expect(r.config.defaultStorageClass).toBe("STANDARD_IA");
  });

  it("a driver pair accepted at new and by operations becomes a default", () => {
    const r = resolveOpenConfig(definition, `demo://b?${CRED}&upload_buffer=1K&customer_key=AQID`, "storager");
    expect(r.defaults).toEqual({ uploadBuffer: 1024, customerKey: Buffer.from([1, 2, 3]) });
    expect(r.config.customerKey).toEqual(Buffer.from([1, 2, 3]));
  });

  it("refuses a pair given twice with different values, the path's name and work_dir included; takes a repeat of the same value", () => {
    for (const extra of ["&name=other", "&work_dir=/x/", "&concurrency=2&concurrency=9", "&location=l1&location=l2", `&${CRED}2`]) {
      const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b/w?${CRED}${extra}`, "storager"));
      expect(e.message).toContain("given twice");
    }
    const r = resolveOpenConfig(definition, `demo://b/w?${CRED}&name=b&work_dir=/w&concurrency=2&concurrency=2&location=l1&location=l1&${CRED}`, "storager");
    expect(r.config).toMatchObject({ name: "b", workDir: "/w/", concurrency: 2, location: "l1" });
  });

  it("still checks later duplicates", () => {
    fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&concurrency=2&concurrency=0`, "storager"));
  });

  it("sets loose with enable_loose_pair", () => {
    expect(resolveOpenConfig(definition, `demo://b?${CRED}&enable_loose_pair`, "storager").loose).toBe(true);
    expect(resolveOpenConfig(definition, `demo://b?${CRED}&enable_loose_pair=false`, "storager").loose).toBe(false);
  });

  it("rejects an unknown pair, listing what exists", () => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&storage_class=X`, "storager"));
    expect(e.message).toContain('unknown pair "storage_class"');
    expect(e.message).toContain("default_storage_class");
    expect(e.message).toContain("enable_virtual_dir");
    expect(e.op).toBe("new_storager");
    expect(e.service).toBe("demo");
  });

  it("says where an option of calls goes instead (its default_ pair, or nowhere), and the underscored form of a dashed name", () => {
    const withDefault = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&storage_class=X`, "storager"));
    expect(withDefault.message).toContain('"storage_class" is an option of calls, not of opening; its default for every call is "default_storage_class"');
    const dashed = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&server-side-encryption=AES256`, "storager"));
    expect(dashed.message).toContain('"server_side_encryption" is an option of calls, not of opening; its default for every call is "default_server_side_encryption"');
    const noDefault = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&size=1`, "storager"));
    expect(noDefault.message).toMatch(/"size" is an option of calls \(.*\), not of opening;/);
    const tuning = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&request-timeout=5s`, "storager"));
    expect(tuning.message).toContain('did you mean "request_timeout"?');
  });

  it("rejects call-site pairs and default_ of non-defaultable pairs", () => {
    fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&size=1`, "storager"));
    fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&default_size=1`, "storager"));
    fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&workDir=/x`, "storager"));
  });

  it("does not echo a key that looks like a pasted secret", () => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?AKID:${SECRET}`, "storager"));
    expect(e.message).toContain("not a pair name");
  });

  it("rejects bad values naming the pair and the expected type", () => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&concurrency=many`, "storager"));
    expect(e.message).toContain('pair "concurrency"');
    expect(e.message).toContain("an integer");
    expect(fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&default_server_side_encryption=X`, "storager")).message).toContain(
      'pair "default_server_side_encryption"',
    );
    expect(fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&hook=x`, "storager")).message).toContain('pair "hook"');
    expect(fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&endpoint=ftp:x`, "storager")).message).toContain('pair "endpoint"');
  });

  it("never shows a bad credential or a secret pair's value", () => {
    for (const bad of [`hmac:AKID:${SECRET}:`, `hmac::${SECRET}`, `hmac:${SECRET}`, `basic:${SECRET}`, SECRET]) {
      const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?credential=${encodeURIComponent(bad)}`, "storager"));
      expect(e.message).toContain('pair "credential"');
    }
    fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?${CRED}&customer_key=${SECRET}!`, "storager"));
    fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b?credential=hmac:AK:${SECRET}%zz`, "storager"));
  });

  it("rejects a bad work_dir as ConnectionStringInvalid", () => {
    fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b/a/../c?${CRED}`, "storager"));
    fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `demo://b/a//c?${CRED}`, "storager"));
  });

  it("rejects a connection string of another type", () => {
    expect(fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, `cos://b?${CRED}`, "storager")).message).toContain('"cos"');
  });

  it("reports missing required pairs, per kind", () => {
    const e = fails("PairRequired", () => resolveOpenConfig(definition, `demo://?${CRED}`, "storager"));
    expect(e.message).toContain('requires pair "name"');
    expect(e.op).toBe("new_storager");
    expect(e.service).toBe("demo");
    fails("PairRequired", () => resolveOpenConfig(definition, "demo://b", "storager"));
    fails("PairRequired", () => resolveOpenConfig(definition, `demo://?${CRED}&name=`, "storager"));
    expect(resolveOpenConfig(definition, `demo://?${CRED}`, "servicer").config).toEqual({
      workDir: "/",
      credential: { protocol: "hmac", accessKey: "AKID", secretKey: SECRET },
    });
    const s = fails("PairRequired", () => resolveOpenConfig(definition, "demo://b", "servicer"));
    expect(s.op).toBe("new_servicer");
  });

  it("adds op and service to syntax errors", () => {
    const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, "demo:b", "servicer"));
    expect(e.op).toBe("new_servicer");
    expect(e.service).toBe("demo");
  });
});

describe("resolveOpenConfig from an options object", () => {
  it("takes camelCase keys and ignores type", () => {
    const r = resolveOpenConfig(
      definition,
      {
        type: "demo",
        name: "b",
        workDir: "/x/y",
        credential: { protocol: "hmac", accessKey: "AK", secretKey: SECRET },
        endpoint: "http:127.0.0.1:9000",
        defaultStorageClass: "COLD",
        defaultServerSideEncryption: "KMS",
        enableLoosePair: true,
        partSize: "1MiB",
        requestTimeout: 5,
        location: undefined,
      },
      "storager",
    );
    expect(r.config).toEqual({
      name: "b",
      workDir: "/x/y/",
      credential: { protocol: "hmac", accessKey: "AK", secretKey: SECRET },
      endpoint: { protocol: "http", host: "127.0.0.1", port: 9000, url: "http://127.0.0.1:9000" },
      defaultStorageClass: "COLD",
      defaultServerSideEncryption: "KMS",
      enableLoosePair: true,
      partSize: 1024 * 1024,
      requestTimeout: 5,
    });
    expect(r.defaults).toEqual({ storageClass: "COLD", serverSideEncryption: "KMS", partSize: 1024 * 1024 });
    expect(r.loose).toBe(true);
  });

  it("accepts a credential string", () => {
    const r = resolveOpenConfig(definition, { type: "demo", name: "b", credential: "env" }, "storager");
    expect(r.config.credential).toEqual({ protocol: "env" });
    expect(r.config.workDir).toBe("/");
  });

  it("rejects unknown keys with PairUnsupported", () => {
    const e = fails("PairUnsupported", () => resolveOpenConfig(definition, { type: "demo", name: "b", credential: "env", work_dir: "/x" }, "storager"));
    expect(e.message).toContain('option "work_dir" is not supported when opening a demo storager');
    expect(e.message).toContain("workDir");
    expect(e.op).toBe("new_storager");
    fails("PairUnsupported", () => resolveOpenConfig(definition, { type: "demo", name: "b", credential: "env", storageClass: "X" }, "storager"));
    fails("PairUnsupported", () => resolveOpenConfig(definition, { type: "demo", name: "b", credential: "env", defaultSize: 1 }, "storager"));
  });

  it("rejects bad values with InvalidArgument, never showing secrets", () => {
    const e = fails("InvalidArgument", () => resolveOpenConfig(definition, { type: "demo", name: "b", credential: `hmac:AK:${SECRET}:` }, "storager"));
    expect(e.message).toContain('option "credential"');
    expect(e.service).toBe("demo");
    fails("InvalidArgument", () => resolveOpenConfig(definition, { type: "demo", name: "b", credential: { protocol: "hmac", accessKey: "", secretKey: SECRET } }, "storager"));
    fails("InvalidArgument", () => resolveOpenConfig(definition, { type: "demo", name: 5, credential: "env" }, "storager"));
    fails("InvalidArgument", () => resolveOpenConfig(definition, { type: "demo", name: "b", credential: "env", concurrency: 0 }, "storager"));
    fails("InvalidArgument", () => resolveOpenConfig(definition, { type: "demo", name: "b", credential: "env", workDir: "/a/../b" }, "storager"));
    fails("InvalidArgument", () => resolveOpenConfig(definition, null as unknown as { type: string }, "storager"));
  });

  it("reports missing required pairs", () => {
    const e = fails("PairRequired", () => resolveOpenConfig(definition, { type: "demo", name: "b" }, "storager"));
    expect(e.message).toContain('"credential"');
  });

  it("names both forms of a required snake_case pair", () => {
    const withWorkDir: ServiceDefinition = { ...definition, storagerRequires: ["work_dir"] };
    // Requiring work_dir means the caller must give one: the "/" default does not count.
    expect(fails("PairRequired", () => resolveOpenConfig(withWorkDir, { type: "demo" }, "storager")).message).toContain('"work_dir" (workDir)');
    expect(resolveOpenConfig(withWorkDir, "demo:///data", "storager").config.workDir).toBe("/data/");
    const withVirtual: ServiceDefinition = { ...definition, storagerRequires: ["enable_virtual_dir"] };
    expect(fails("PairRequired", () => resolveOpenConfig(withVirtual, { type: "demo" }, "storager")).message).toContain(
      '"enable_virtual_dir" (enableVirtualDir)',
    );
  });
});

describe("a name holding @ (URL user information, review-cli-cmds M6)", () => {
  it("is refused before any driver sees it, and never shown: connection string and options object", () => {
    for (const conn of [`demo://AK:${SECRET}@bucket/dir/?credential=hmac:a:b`, `demo://${TOKEN}@bucket?credential=hmac:a:b`, `demo://AK%3A${SECRET}%40bucket/?credential=hmac:a:b`]) {
      const e = fails("ConnectionStringInvalid", () => resolveOpenConfig(definition, conn, "storager"));
      expect(e.message).toMatch(/the name holds "@"|the path part holds URL user information/);
      expect(e.message).not.toContain(SECRET);
      expect(e.message).not.toContain(TOKEN);
    }
    const e = fails("InvalidArgument", () => resolveOpenConfig(definition, { type: "demo", name: `AK:${SECRET}@bucket`, credential: "hmac:a:b" }, "storager"));
    expect(e.message).not.toContain(SECRET);
    expect(resolveOpenConfig(definition, "demo://bucket/a@b/?credential=hmac:a:b", "storager").config.workDir).toBe("/a@b/");
  });
});
