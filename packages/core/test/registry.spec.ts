import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { ServiceDriver } from "../src/driver/service-driver.js";
import type { StorageDriver } from "../src/driver/storage-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { definePair } from "../src/pairs/pair-definition.js";
import type { OpenConfig, ServiceDefinition } from "../src/registry/service-definition.js";

// The registry is tested on its own: core's createStorager/createServicer are replaced by
// fakes that record what they are given.
const fakeStorager = { kind: "storager" };
const fakeServicer = { kind: "servicer" };
const createStorager = jest.fn((..._args: unknown[]) => fakeStorager);
const createServicer = jest.fn((..._args: unknown[]) => fakeServicer);
jest.unstable_mockModule("../src/storager/create-storager.js", () => ({ createStorager }));
jest.unstable_mockModule("../src/storager/create-servicer.js", () => ({ createServicer }));
const { registerService, unregisterService, getService, listServices, newStorager, newServicer } = await import("../src/registry/registry.js");

const SECRET = "FAKEsecretKEY0123456789";

const storageDriver = { service: "fake", name: "b", features: defineFeatures({ read: true }) } as unknown as StorageDriver;
const serviceDriver = { service: "fake", features: { create: true, delete: true, get: true, list: true } } as unknown as ServiceDriver;

function makeDefinition(extra: Partial<ServiceDefinition> = {}): ServiceDefinition {
  return {
    type: "fake",
    packageName: "@stowage/fake",
    description: "fake service",
    pairs: {
      enableVirtualDir: definePair({ name: "enable_virtual_dir", type: "boolean", description: "virtual dirs", operations: ["new"] }),
    },
    storagerRequires: ["name"],
    servicerRequires: ["credential"],
    newStorageDriver: jest.fn((_config: OpenConfig) => storageDriver),
    newServiceDriver: jest.fn((_config: OpenConfig) => serviceDriver),
    ...extra,
  };
}

function fails(code: string, fn: () => unknown): StorageError {
  try {
    fn();
  } catch (e) {
    if (!isStorageError(e) || e.code !== code) throw e;
    expect(e.message).not.toContain(SECRET);
    return e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

beforeEach(() => {
  createStorager.mockClear();
  createServicer.mockClear();
});

afterEach(() => {
  for (const d of listServices()) unregisterService(d.type);
});

describe("registerService", () => {
  it("registers, lists, gets and unregisters", () => {
    const d = makeDefinition();
    registerService(d);
    expect(getService("fake")).toBe(d);
    expect(listServices()).toEqual([d]);
    unregisterService("fake");
    expect(getService("fake")).toBeUndefined();
    expect(listServices()).toEqual([]);
    unregisterService("never-registered");
  });

  it("is a no-op for the same definition", () => {
    const d = makeDefinition();
    registerService(d);
    registerService(d);
    expect(listServices()).toEqual([d]);
  });

  it("rejects a definition for a registered type from another package", () => {
    registerService(makeDefinition());
    const e = fails("InvalidArgument", () => registerService(makeDefinition({ packageName: "@acme/fake" })));
    expect(e.message).toContain('"fake" is already registered (by @stowage/fake)');
  });

  it("keeps the first definition when the same package registers its type again (a second installed copy)", () => {
    const d = makeDefinition();
    registerService(d);
    registerService(makeDefinition());
    expect(getService("fake")).toBe(d);
  });

  it("rejects driver pairs that clash with global pairs", () => {
    const byKey = makeDefinition({ pairs: { size: definePair({ name: "size", type: "integer", description: "x", operations: ["read"] }) } });
    expect(fails("InvalidArgument", () => registerService(byKey)).message).toContain("global pair");
    const byName = makeDefinition({ pairs: { workDir: definePair({ name: "work_dir", type: "string", description: "x", operations: ["new"] }) } });
    fails("InvalidArgument", () => registerService(byName));
    expect(getService("fake")).toBeUndefined();
  });

  it("rejects malformed definitions", () => {
    fails("InvalidArgument", () => registerService(makeDefinition({ type: "Bad_Type" })));
    fails("InvalidArgument", () => registerService(makeDefinition({ newStorageDriver: undefined as unknown as ServiceDefinition["newStorageDriver"] })));
    fails("InvalidArgument", () => registerService(makeDefinition({ newServiceDriver: 5 as unknown as ServiceDefinition["newServiceDriver"] })));
    fails("InvalidArgument", () => registerService(null as unknown as ServiceDefinition));
    const mismatched = makeDefinition({ pairs: { sseKey: definePair({ name: "sse_customer_key", type: "bytes", description: "x", operations: ["write"] }) } });
    expect(fails("InvalidArgument", () => registerService(mismatched)).message).toContain("does not match");
    const notAPair = makeDefinition({ pairs: { x: {} as never } });
    fails("InvalidArgument", () => registerService(notAPair));
    const badRequire = makeDefinition({ storagerRequires: ["storage_class"] });
    expect(fails("InvalidArgument", () => registerService(badRequire)).message).toContain("not an open-time pair");
    expect(listServices()).toEqual([]);
  });
});

describe("newStorager", () => {
  it("opens from a connection string: driver gets the config, createStorager the driver and context", () => {
    const d = makeDefinition();
    registerService(d);
    const s = newStorager(`fake://bucket/dir?credential=hmac:AK:${SECRET}&enable_virtual_dir&default_storage_class=COLD&part_size=1M`);
    expect(s).toBe(fakeStorager);
    const config: OpenConfig = {
      name: "bucket",
      workDir: "/dir/",
      credential: { protocol: "hmac", accessKey: "AK", secretKey: SECRET },
      enableVirtualDir: true,
      defaultStorageClass: "COLD",
      partSize: 1024 * 1024,
    };
    expect(d.newStorageDriver).toHaveBeenCalledWith(config, { partSize: 1048576, storageClass: "COLD" });
    expect(createStorager).toHaveBeenCalledTimes(1);
    const [driver, ctx] = createStorager.mock.calls[0] as [StorageDriver, Record<string, unknown>];
    expect(driver).toBe(storageDriver);
    expect(ctx).toMatchObject({ definition: d, config, defaults: { storageClass: "COLD", partSize: 1024 * 1024 }, loose: false });
    expect((ctx.pairs as Record<string, unknown>).enableVirtualDir).toBe(d.pairs.enableVirtualDir);
    expect((ctx.pairs as Record<string, unknown>).contentType).toBeDefined();
  });

  it("opens from an options object", () => {
    const d = makeDefinition();
    registerService(d);
    expect(newStorager({ type: "fake", name: "b", enableLoosePair: true })).toBe(fakeStorager);
    expect(d.newStorageDriver).toHaveBeenCalledWith({ name: "b", workDir: "/", enableLoosePair: true }, {});
    expect(createStorager.mock.calls[0]?.[1]).toMatchObject({ loose: true });
  });

  it("names the package to install for an unknown scheme", () => {
    // Only Stowage's own schemes: another (s3) has no package to name (unknown-scheme.spec.ts).
    for (const type of ["cos", "oss", "qingstor", "fs", "memory"]) {
      const e = fails("ServiceNotRegistered", () => newStorager(`${type}://b?credential=hmac:AK:${SECRET}`));
      expect(e.message).toContain(`no service registered for "${type}": install and import @stowage/${type}`);
      expect(e.op).toBe("new_storager");
    }
    const e = fails("ServiceNotRegistered", () => newStorager({ type: "cos", credential: `hmac:AK:${SECRET}` }));
    expect(e.message).toContain("@stowage/cos");
  });

  it("does not suggest a package for a type that is not a scheme", () => {
    const e = fails("ServiceNotRegistered", () => newStorager({ type: "Not A Scheme" }));
    expect(e.message).not.toContain("@stowage/");
  });

  it("rejects bad input", () => {
    expect(fails("ConnectionStringInvalid", () => newStorager("fake:bucket")).op).toBe("new_storager");
    fails("ConnectionStringInvalid", () => newStorager(""));
    fails("InvalidArgument", () => newStorager({} as { type: string }));
    fails("InvalidArgument", () => newStorager({ type: 5 } as unknown as { type: string }));
    fails("InvalidArgument", () => newStorager(undefined as unknown as string));
  });

  it("passes resolve-time errors through with context", () => {
    registerService(makeDefinition());
    expect(fails("PairRequired", () => newStorager("fake://")).op).toBe("new_storager");
    expect(fails("ConnectionStringInvalid", () => newStorager("fake://b?nope=1")).service).toBe("fake");
    fails("PairUnsupported", () => newStorager({ type: "fake", name: "b", nope: 1 }));
    fails("ConnectionStringInvalid", () => newStorager(`fake://b?credential=hmac:AK:${SECRET}:`));
    expect(createStorager).not.toHaveBeenCalled();
  });

  it("adds context to a StorageError from the driver factory", () => {
    registerService(
      makeDefinition({
        newStorageDriver: () => {
          throw storageError(ErrorCode.PairUnsupported, "credential protocol env is not supported");
        },
      }),
    );
    const e = fails("PairUnsupported", () => newStorager("fake://b"));
    expect(e.op).toBe("new_storager");
    expect(e.service).toBe("fake");
    expect(createStorager).not.toHaveBeenCalled();
  });

  it("wraps anything else the driver throws as Unexpected, keeping the cause", () => {
    const boom = new TypeError(`boom with hmac:AK:${SECRET}`);
    registerService(
      makeDefinition({
        newStorageDriver: () => {
          throw boom;
        },
      }),
    );
    const e = fails("Unexpected", () => newStorager("fake://b"));
    expect(e.op).toBe("new_storager");
    expect(e.service).toBe("fake");
    expect((e.cause as Error).name).toBe("TypeError");
    expect(String((e.cause as Error).message)).not.toContain(SECRET);
  });

  it("wraps a failure of createStorager the same way", () => {
    registerService(makeDefinition());
    createStorager.mockImplementationOnce(() => {
      throw new Error("core failed");
    });
    expect(fails("Unexpected", () => newStorager("fake://b")).op).toBe("new_storager");
  });
});

describe("newServicer", () => {
  it("opens a servicer", () => {
    const d = makeDefinition();
    registerService(d);
    expect(newServicer("fake://?credential=env")).toBe(fakeServicer);
    expect(d.newServiceDriver).toHaveBeenCalledWith({ workDir: "/", credential: { protocol: "env" } });
    const [driver, ctx] = createServicer.mock.calls[0] as [ServiceDriver, Record<string, unknown>];
    expect(driver).toBe(serviceDriver);
    expect(ctx).toMatchObject({ definition: d, loose: false });
    expect(createStorager).not.toHaveBeenCalled();
  });

  it("uses servicerRequires", () => {
    registerService(makeDefinition());
    const e = fails("PairRequired", () => newServicer("fake://bucket"));
    expect(e.op).toBe("new_servicer");
    expect(e.message).toContain('"credential"');
  });

  it("fails with CapabilityInsufficient without newServiceDriver", () => {
    registerService(makeDefinition({ newServiceDriver: undefined }));
    const e = fails("CapabilityInsufficient", () => newServicer("fake://?credential=env"));
    expect(e.op).toBe("new_servicer");
    expect(e.service).toBe("fake");
  });

  it("reports unknown schemes and wraps driver failures", () => {
    expect(fails("ServiceNotRegistered", () => newServicer("oss://")).message).toContain("@stowage/oss");
    registerService(
      makeDefinition({
        newServiceDriver: () => {
          throw new Error("no");
        },
      }),
    );
    expect(fails("Unexpected", () => newServicer("fake://?credential=env")).op).toBe("new_servicer");
  });
});
