// Core's `restore`: capability first, options checked (days a whole number of at least 1 and within
// limits.restoreDaysMaximum, tier one of three, a file path) before the driver is called, days
// defaulting to 1; and the restore headers COS and OSS answer, parsed into ObjectInfo.restore.
import { describe, expect, it } from "@jest/globals";
import type { DriverCallOptions, RawObject, StorageDriver } from "../src/driver/storage-driver.js";
import { isStorageError } from "../src/errors/storage-error.js";
import { defineFeatures, type StorageLimits } from "../src/features.js";
import { parseRestoreHeader } from "../src/http/restore-header.js";
import type { RestoreTier } from "../src/options.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { RestoreResult, Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";

/** A storager over a driver that records its restores (`restore` on or off). */
function open(restore: boolean, limits: StorageLimits = {}): { calls: Array<{ key: string; days: number; tier?: RestoreTier }>; store: Storager } {
  const calls: Array<{ key: string; days: number; tier?: RestoreTier }> = [];
  const driver: StorageDriver = {
    service: "rec",
    name: "bucket",
    features: defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, restore, limits }),
    stat: async (key: string): Promise<RawObject> => ({ key, mode: "file" }),
    read: async () => Promise.reject(new Error("no reads")),
    write: async () => ({}),
    delete: async () => {},
    listPage: async () => ({ items: [] }),
    ...(restore
      ? {
          restore: async (key: string, options: DriverCallOptions & { days: number; tier?: RestoreTier }): Promise<RestoreResult> => {
            calls.push({ key, days: options.days, ...(options.tier === undefined ? {} : { tier: options.tier }) });
            return { alreadyRestored: false };
          },
        }
      : {}),
  };
  const definition: ServiceDefinition = { type: "rec", packageName: "rec", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, "rec://bucket/wd/", "storager");
  return { calls, store: createStorager(driver, { ...resolved, definition }) };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return isStorageError(e) ? e.code : `not a StorageError: ${String(e)}`;
  }
}

describe("restore", () => {
  it("passes the key, days (default 1) and tier to the driver", async () => {
    const { calls, store } = open(true);
    expect(await store.restore("a/b.bin")).toEqual({ alreadyRestored: false });
    await store.restore("/wd/c", { days: 7, tier: "Bulk" });
    expect(calls).toEqual([
      { key: "wd/a/b.bin", days: 1 },
      { key: "wd/c", days: 7, tier: "Bulk" },
    ]);
  });

  it("refuses bad days, a tier not Expedited, Standard or Bulk, days over the maximum and a directory path before the driver", async () => {
    const { calls, store } = open(true, { restoreDaysMaximum: 30 });
    for (const options of [{ days: 0 }, { days: -1 }, { days: 2.5 }, { days: "3" }, { tier: "Fast" }, { tier: "bulk" }, { days: 31 }, { storageClass: "ARCHIVE" }]) {
      expect([options, await code(store.restore("x", options as never))]).toEqual([options, options.storageClass ? "PairUnsupported" : "InvalidArgument"]);
    }
    expect(await code(store.restore("dir/"))).toBe("InvalidArgument");
    expect(await code(store.restore("x", { days: 30 }))).toBe("resolved");
    expect(calls).toEqual([{ key: "wd/x", days: 30 }]);
    const e = await store.restore("x", { days: 31 }).catch((x: unknown) => x);
    expect(String(e)).toContain("rec keeps a restored object readable for at most 30 days; nothing sent");
  });

  it("is CapabilityInsufficient without the feature, whatever the options", async () => {
    const { store } = open(false);
    expect(store.features.restore).toBe(false);
    for (const options of [undefined, { days: 0 }, { tier: "Fast" }]) expect(await code(store.restore("x", options as never))).toBe("CapabilityInsufficient");
  });
});

describe("parseRestoreHeader", () => {
  it("reads both states, any case and spacing; an expiry that does not parse is left out; nothing else is claimed", () => {
    expect(parseRestoreHeader('ongoing-request="true"')).toEqual({ ongoing: true });
    expect(parseRestoreHeader('ongoing-request="false", expiry-date="Fri, 23 Dec 2012 00:00:00 GMT"')).toEqual({ ongoing: false, expiresAt: new Date(Date.UTC(2012, 11, 23)) });
    expect(parseRestoreHeader('Ongoing-Request = "FALSE" , Expiry-Date="Tue, 19 Nov 2019 16:00:00 GMT"')).toEqual({ ongoing: false, expiresAt: new Date(Date.UTC(2019, 10, 19, 16)) });
    expect(parseRestoreHeader('ongoing-request="false", expiry-date="soon"')).toEqual({ ongoing: false });
    expect(parseRestoreHeader('ongoing-request="true", expiry-date="Fri, 23 Dec 2012 00:00:00 GMT"')).toEqual({ ongoing: true });
    for (const value of [undefined, "", "restored", 'ongoing-request="maybe"']) expect(parseRestoreHeader(value)).toBeUndefined();
  });

  it("takes an unquoted expiry date (an HTTP date holds a comma), in either order", () => {
    const at = new Date(Date.UTC(2012, 11, 23));
    expect(parseRestoreHeader("ongoing-request=false, expiry-date=Fri, 23 Dec 2012 00:00:00 GMT")).toEqual({ ongoing: false, expiresAt: at });
    expect(parseRestoreHeader('ongoing-request="false", expiry-date=Fri, 23 Dec 2012 00:00:00 GMT')).toEqual({ ongoing: false, expiresAt: at });
    expect(parseRestoreHeader('expiry-date=Fri, 23 Dec 2012 00:00:00 GMT, ongoing-request="false"')).toEqual({ ongoing: false, expiresAt: at });
    expect(parseRestoreHeader("ongoing-request=false;expiry-date=2012-12-23T00:00:00Z")).toEqual({ ongoing: false, expiresAt: at });
    expect(parseRestoreHeader("ongoing-request=false, expiry-date=")).toEqual({ ongoing: false });
  });

  it("takes the names whole and the values whole: x-ongoing-request, \"trueish\" and x-expiry-date are not them", () => {
    for (const value of ['x-ongoing-request="false"', 'ongoing-request="trueish"', "ongoing-request=truest", 'ongoing-request="true', 'my-ongoing-request="true"']) {
      expect([value, parseRestoreHeader(value)]).toEqual([value, undefined]);
    }
    expect(parseRestoreHeader('x-ongoing-request="true", ongoing-request="false"')).toEqual({ ongoing: false });
    expect(parseRestoreHeader('ongoing-request="false", x-expiry-date="Fri, 23 Dec 2012 00:00:00 GMT"')).toEqual({ ongoing: false });
  });
});
