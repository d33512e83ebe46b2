/**
 * An unknown scheme's `ServiceNotRegistered` names the schemes registered now, suggests the nearest
 * known one (`cso` → `cos`, `file` → `fs`), and names an `@stowage/<scheme>` package only for the
 * drivers Stowage publishes (cos, oss, qingstor, fs, memory): never `@stowage/s3`, which does not exist.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import "@stowage/memory";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { newServicer, newStorager, registerService, unregisterService } from "../src/registry/registry.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { StorageDriver } from "../src/driver/storage-driver.js";

function notRegistered(open: () => unknown): StorageError {
  try {
    open();
  } catch (e) {
    if (isStorageError(e, "ServiceNotRegistered")) return e;
    throw e;
  }
  throw new Error("the scheme opened");
}

const demo: ServiceDefinition = {
  type: "demofs",
  packageName: "demo-driver",
  description: "a third-party driver",
  pairs: {},
  newStorageDriver: () => ({}) as unknown as StorageDriver,
};

afterEach(() => unregisterService("demofs"));

describe("an unknown scheme", () => {
  it("s3 names the registered schemes and Stowage's drivers, and no @stowage/s3", () => {
    const e = notRegistered(() => newStorager("s3://bucket/"));
    expect(e.message).not.toContain("@stowage/s3");
    expect(e.message).not.toContain("did you mean");
    expect(e.detail).toMatch(/^no service registered for "s3" \(registered: [^;]*\bmemory\b[^;]*; Stowage's drivers are cos, oss, qingstor, fs, memory, each in @stowage\/<scheme>\)$/);
    expect(e).toMatchObject({ op: "new_storager", service: "s3" });
  });

  it("cso suggests cos and its package, which is not registered here", () => {
    const e = notRegistered(() => newStorager("cso://b-1250000000/"));
    expect(e.detail).toMatch(/^no service registered for "cso": did you mean "cos"\? install and import @stowage\/cos \(registered: [^)]*memory[^)]*\)$/);
    expect(e.message).not.toContain("@stowage/cso");
  });

  it("file suggests fs; a registered scheme is suggested without a package", () => {
    expect(notRegistered(() => newStorager("file:///tmp/x")).detail).toContain('did you mean "fs"? install and import @stowage/fs');
    const e = notRegistered(() => newStorager("memroy://x/"));
    expect(e.detail).toMatch(/: did you mean "memory"\? \(registered: /);
    expect(e.message).not.toContain("install");
  });

  it("a registered third-party scheme is listed and suggested", () => {
    registerService(demo);
    const e = notRegistered(() => newServicer("demofz://b/"));
    expect(e.detail).toMatch(/: did you mean "demofs"\? \(registered: .*demofs/);
    expect(e.op).toBe("new_servicer");
  });

  it("names of Object's prototype are no aliases", () => {
    const e = notRegistered(() => newStorager({ type: "constructor" }));
    expect(e.message).not.toContain("function");
    expect(e.message).not.toContain("did you mean");
  });

  it("one of Stowage's own schemes, not imported, names its package", () => {
    expect(notRegistered(() => newStorager("qingstor://b/")).detail).toMatch(/^no service registered for "qingstor": install and import @stowage\/qingstor \(registered: /);
  });
});
