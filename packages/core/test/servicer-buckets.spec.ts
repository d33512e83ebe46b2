/**
 * Core's Servicer around a driver's bucket primitives: a servicer takes no bucket name or work_dir
 * at open (M2); every member checks a bucket name the same way before anything is sent, and never
 * shows a name holding "@" (M3); delete takes the bucket's location (M1); a listed bucket the driver
 * cannot address is left out with one warning, never ending the listing (M4).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { ServiceDriver } from "../src/driver/service-driver.js";
import { ErrorCode } from "../src/errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../src/errors/storage-error.js";
import { defineFeatures } from "../src/features.js";
import { newServicer, registerService, unregisterService, UNLISTED_BUCKETS_WARNING } from "../src/index.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { Servicer } from "../src/servicer.js";
import { RecordingDriver } from "./recording-driver.js";

const SECRET = "FAKEsecretKEY0123456789";
const TYPE = "bucketdemo";

/** What the fake driver was asked, in order. */
let calls: string[];
/** The pages its list answers, in order. */
let pages: Array<Array<{ name: string; location?: string }>>;
let opened: number;

/** Refuses what a cloud driver's rules refuse: upper case and "_" in a name, a space in a location. */
function checkBucket(name: string, location: string | undefined): void {
  calls.push(`check ${name} ${location ?? "-"}`);
  if (/[A-Z_]/.test(name)) throw storageError(ErrorCode.InvalidArgument, `bucket ${JSON.stringify(name)} must be lower case`);
  if (location?.includes(" ") === true) throw storageError(ErrorCode.InvalidArgument, "invalid region");
}

const driver: ServiceDriver = {
  service: TYPE,
  features: { create: true, delete: true, get: true, list: true },
  checkBucket,
  async create(name, options) {
    calls.push(`create ${name} ${options.location ?? "-"}`);
  },
  async delete(name, options) {
    calls.push(`delete ${name} ${options.location ?? "-"}`);
  },
  async list(token) {
    const i = token === undefined ? 0 : Number(token);
    return i + 1 < pages.length ? { items: pages[i]!, nextToken: String(i + 1) } : { items: pages[i] ?? [] };
  },
};

const definition: ServiceDefinition = {
  type: TYPE,
  packageName: "@stowage/bucketdemo",
  description: "servicer demo",
  pairs: {},
  storagerRequires: ["name"],
  servicerRequires: ["credential"],
  newStorageDriver: (config) => {
    checkBucket(config.name ?? "", config.location);
    // The bucket and location a storager of this driver reports (info.name, info.location).
    const storage = new RecordingDriver(defineFeatures({ read: true, write: true }));
    return Object.defineProperties(storage, { name: { value: config.name }, location: { value: config.location } });
  },
  newServiceDriver: () => {
    opened++;
    return driver;
  },
};

let warn: ReturnType<typeof jest.spyOn>;
const warnings = (): Array<{ message: string; code: unknown }> =>
  (warn.mock.calls as unknown[][]).map(([message, options]) => ({ message: String(message), code: (options as { code?: unknown } | undefined)?.code }));

beforeEach(() => {
  calls = [];
  pages = [[]];
  opened = 0;
  registerService(definition);
  warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
  unregisterService(TYPE);
});

const open = (pairs = ""): Servicer => newServicer(`${TYPE}://?credential=env${pairs}`);

async function names(servicer: Servicer): Promise<string[]> {
  const out: string[] = [];
  for await (const s of servicer.list()) out.push(`${s.info.name}@${s.info.location ?? "-"}`);
  return out;
}

/** The StorageError `fn` rejects or throws with. */
async function failure(fn: () => unknown): Promise<StorageError> {
  try {
    await fn();
  } catch (e) {
    if (isStorageError(e)) return e;
    throw e;
  }
  throw new Error("expected a StorageError, nothing was thrown");
}

describe("newServicer takes no bucket name or work_dir", () => {
  it.each([
    ["a name in the string", () => newServicer(`${TYPE}://other-bucket?credential=env`), "name"],
    ["a name and work_dir in the string", () => newServicer(`${TYPE}://other-bucket/backups/?credential=env`), "name"],
    ["a work_dir in the string", () => newServicer(`${TYPE}:///backups/?credential=env`), "work_dir"],
    ["a work_dir pair", () => newServicer(`${TYPE}://?credential=env&work_dir=/backups/`), "work_dir"],
    ["a name option", () => newServicer({ type: TYPE, credential: "env", name: "other-bucket" }), "name"],
    ["a workDir option", () => newServicer({ type: TYPE, credential: "env", workDir: "/backups/" }), "work_dir"],
  ])("%s is PairUnsupported, naming the pair, not its value, and opens nothing", async (_, fn, pair) => {
    const e = await failure(fn);
    expect(e).toMatchObject({ code: "PairUnsupported", op: "new_servicer", service: TYPE, message: expect.stringContaining(`pair "${pair}"`) });
    expect(e.message).not.toContain("other-bucket");
    expect(e.message).not.toContain("backups");
    expect(opened).toBe(0);
  });

  it("takes the root work_dir, and drops both with enable_loose_pair", () => {
    expect(newServicer(`${TYPE}:///?credential=env`).get("b").info.workDir).toBe("/");
    expect(newServicer({ type: TYPE, credential: "env", workDir: "/" }).get("b").info.workDir).toBe("/");
    const loose = newServicer(`${TYPE}://other-bucket/backups/?credential=env&enable_loose_pair`);
    expect(loose.get("b").info).toMatchObject({ name: "b", workDir: "/" });
    expect(loose.get("b", { workDir: "/backups/" }).info.workDir).toBe("/backups/");
  });
});

describe("bucket names: one check for every member, before anything is sent", () => {
  const secretName = `AK:${SECRET}@bucket`;

  it.each([
    ["create", (s: Servicer) => s.create(secretName)],
    ["delete", (s: Servicer) => s.delete(secretName)],
    ["get", (s: Servicer) => s.get(secretName)],
  ])("%s of a name holding @ is InvalidArgument that shows it as ***@<what follows>", async (op, call) => {
    const e = await failure(() => call(open()));
    expect(e).toMatchObject({ code: "InvalidArgument", op: `servicer_${op}`, path: "***@bucket" });
    expect(e.message).not.toContain(SECRET);
    expect(JSON.stringify(e)).not.toContain(SECRET);
    expect(calls).toEqual([]);
  });

  it("delete runs the driver's check get and create run, and sends nothing for a name it refuses", async () => {
    const s = open();
    for (const call of [() => s.get("Bad_Name"), () => s.create("Bad_Name"), () => s.delete("Bad_Name")]) {
      expect(await failure(call)).toMatchObject({ code: "InvalidArgument", path: "Bad_Name", message: expect.stringContaining("must be lower case") });
    }
    expect(calls.filter((c) => !c.startsWith("check"))).toEqual([]);
  });

  it.each(["a\u0000b", "a\u001fb", "a\u007fb", "a/b", ""])("refuses %j in every member (control characters, / and empty)", async (name) => {
    const s = open();
    for (const call of [() => s.get(name), () => s.create(name), () => s.delete(name)]) {
      expect(await failure(call)).toMatchObject({ code: "InvalidArgument" });
    }
    expect(calls).toEqual([]);
  });
});

describe("delete takes the bucket's location", () => {
  it("passes it to the driver's check and delete, and the servicer's region otherwise", async () => {
    const s = open("&location=home-1");
    await s.delete("b", { location: "far-2" });
    await s.delete("c");
    expect(calls).toEqual(["check b far-2", "delete b far-2", "check c -", "delete c -"]);
  });

  it("refuses an empty location, one that is no region name, and other options", async () => {
    const s = open();
    expect(await failure(() => s.delete("b", { location: "" }))).toMatchObject({ code: "InvalidArgument" });
    expect(await failure(() => s.delete("b", { location: "Far 2" }))).toMatchObject({ code: "InvalidArgument" });
    expect(await failure(() => s.delete("b", { workDir: "/" } as never))).toMatchObject({ code: "PairUnsupported", message: expect.stringContaining("accepted: location, signal") });
    expect(calls).toEqual([]);
  });
});

describe("list leaves out the buckets the driver cannot address, with one warning", () => {
  it("yields the others, across pages, and names the left-out ones (one holding @ as ***@...) once, when the listing ends", async () => {
    pages = [
      [{ name: "aaa", location: "r-1" }, { name: "Legacy_Bucket", location: "r-1" }, { name: `ak:${SECRET}@tail` }],
      [{ name: "weird", location: "AP Weird" }, { name: "ctl\u0001x" }, { name: "zzz" }],
    ];
    const s = open("&location=home-1");
    expect(await names(s)).toEqual(["aaa@r-1", "zzz@home-1"]);
    const all = warnings();
    expect(all).toHaveLength(1);
    const { message, code } = all[0]!;
    expect(code).toBe(UNLISTED_BUCKETS_WARNING);
    expect(message).toContain(`4 buckets in the ${TYPE} bucket listing not listed`);
    expect(message).toContain('"Legacy_Bucket" (InvalidArgument: bucket "Legacy_Bucket" must be lower case)');
    expect(message).toContain('"***@tail"');
    expect(message).toContain('"weird" (InvalidArgument: invalid region)');
    expect(message).toContain('"ctl\\u0001x"');
    expect(message).not.toContain(SECRET);
  });

  it("escapes controls in the names and in the driver's reasons, which may repeat a name raw", async () => {
    pages = [[{ name: "Evil\u202etxt.exe" }, { name: "C1_\u009b31m" }, { name: "aaa" }]];
    expect(await names(open())).toEqual(["aaa@-"]);
    const message = warnings()[0]!.message;
    expect(message).not.toMatch(/[\u007f-\u009f\u202e]/);
    expect(message).toContain('"Evil\\u202etxt.exe" (InvalidArgument: bucket "Evil\\u202etxt.exe" must be lower case)');
    expect(message).toContain('"C1_\\u009b31m" (InvalidArgument: bucket "C1_\\u009b31m" must be lower case)');
  });

  it("warns for what it left out when the caller stops early, and not at all when nothing was", async () => {
    pages = [[{ name: "Bad_One" }, { name: "aaa" }, { name: "bbb" }]];
    for await (const s of open().list()) {
      expect(s.info.name).toBe("aaa");
      break;
    }
    expect(warnings().map((w) => w.message)).toEqual([expect.stringContaining('1 bucket in the bucketdemo bucket listing not listed: the bucketdemo driver cannot address it')]);
    warn.mockClear();
    pages = [[{ name: "aaa" }]];
    expect(await names(open())).toEqual(["aaa@-"]);
    expect(warnings()).toEqual([]);
  });
});
