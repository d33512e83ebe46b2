// An option given as `undefined` is an option not given, at run time as in the types (every input
// option type admits `| undefined`, for users with exactOptionalPropertyTypes): the same results, the
// same driver calls and the same open-time defaults as without it, on strict and loose storagers,
// and never PairUnsupported for an undefined option the call, the storage or the service has no use
// for (nor for an unknown name). Also the servicer's options, the object form of newStorager and a
// credential provider's answer.
import { describe, expect, it } from "@jest/globals";
import { Readable } from "node:stream";
import "@stowage/memory";
import type { DriverCallOptions } from "../src/driver/storage-driver.js";
import { defineFeatures } from "../src/features.js";
import type { PresignOperation, RestoreTier } from "../src/options.js";
import { uploadMultipart } from "../src/multipart/upload-engine.js";
import type { MultipartTarget, MultipartUploadOptions } from "../src/multipart/upload-types.js";
import type { Part } from "../src/object/object-info.js";
import { globalPairs } from "../src/pairs/global-pairs.js";
import { CREDENTIAL_UNDATED_TTL_MS, providedCredentialSource } from "../src/registry/provided-credential-source.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import { newServicer, newStorager } from "../src/registry/registry.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import type { PresignedRequest, RestoreResult, Storager } from "../src/storager.js";
import { createStorager } from "../src/storager/create-storager.js";
import { RecordingDriver } from "./recording-driver.js";

/**
 * Every pair core knows (call-site and open-time ones, whichever operation takes them), `parts`,
 * a driver's pair (COS's and OSS's SSE, fs's `sourceWithin`) and a name nothing knows: all undefined.
 */
const ALL_UNDEFINED: Readonly<Record<string, undefined>> = Object.freeze(
  Object.fromEntries([...Object.keys(globalPairs), "parts", "serverSideEncryption", "sourceWithin", "noSuchOption"].map((k) => [k, undefined])),
);

/** The options of one call: what it needs (`required`), with every other option undefined or left out. */
type Given = (required?: Record<string, unknown>) => Record<string, unknown>;
const withUndefined: Given = (required = {}) => ({ ...ALL_UNDEFINED, ...required });
const without: Given = (required = {}) => ({ ...required });

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** `value` with what differs from run to run (dates, upload ids) replaced by a mark. */
function settled(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === "lastModified" ? "<date>" : key === "multipartId" && typeof v === "string" ? "<id>" : v)));
}

/** Every memory operation once, each given its options by `o`; what each returned, and what the store then holds. */
async function memoryScenario(store: Storager, o: Given): Promise<unknown> {
  const out: unknown[] = [];
  out.push(await store.write("a.txt", "hello", o()));
  out.push(await store.write("s.bin", Readable.from([Buffer.from("stream "), Buffer.from("body")]), o()));
  const stream = store.createWriteStream("w.txt", o());
  await new Promise<void>((resolve, reject) => stream.on("error", reject).end("written", resolve));
  out.push(await store.stat("a.txt", o()), await store.stat("s.bin", o()), await store.stat("w.txt", o()));
  out.push((await store.read("a.txt", o())).toString(), Buffer.concat(await all<Buffer>(store.createReadStream("s.bin", o()))).toString());
  out.push(await store.createDir("d/", o()), await store.copy("a.txt", "d/b.txt", o()), await store.move("d/b.txt", "d/c.txt", o()));
  out.push(await store.createLink("l", "a.txt", o()), (await store.read("l", o())).toString());
  const appendable = await store.createAppend("app", o());
  out.push(appendable, await store.writeAppend(appendable, "xy", o()), await store.commitAppend(appendable, o()));
  const upload = await store.createMultipart("m.bin", o());
  const part = await store.writeMultipart(upload, "part 0", o({ index: 0 }) as { index: number });
  out.push(upload, part, await all(store.listMultipart(upload, o())), await store.listPage("", o({ mode: "part" })));
  out.push(await store.completeMultipart(upload, [part], o()), await store.stat("m.bin", o()));
  out.push(await all(store.list("", o())), await store.listPage("d/", o()));
  await store.delete("l", o());
  await store.deleteMany(["d/c.txt", "w.txt"], o());
  await store.delete("d/", o({ mode: "dir" }));
  out.push(await all(store.list("", o({ mode: "prefix" }))));
  return settled(out);
}

describe("options given as undefined", () => {
  let n = 0;
  /** A fresh named memory store, opened with `query`. */
  const fresh = (query: string): Storager => newStorager(`memory://undefined-options-${++n}/wd/${query}`);

  for (const [what, query] of [
    ["a strict storager", ""],
    ["a loose storager", "?enable_loose_pair"],
    ["a storager with open-time defaults", "?default_content_type=text/x-default&default_cache_control=no-cache&part_size=5MiB"],
  ] as const) {
    it(`change nothing on memory, ${what}`, async () => {
      const expected = await memoryScenario(fresh(query), without);
      expect(JSON.stringify(expected)).toContain(query.includes("default") ? "text/x-default" : "hello");
      expect(await memoryScenario(fresh(query), withUndefined)).toEqual(expected);
    });
  }

  it("keep a defaulted attribute (an undefined contentType is no content type of its own)", async () => {
    const store = fresh("?default_content_type=text/x-default");
    await store.write("a", "x", { contentType: undefined, cacheControl: undefined });
    expect((await store.stat("a")).contentType).toBe("text/x-default");
  });

  it("are the same option as one left out, for presign and restore: the driver gets the same options", async () => {
    const run = async (o: Given): Promise<unknown[]> => {
      const { store, seen } = openOptionsDriver();
      const part = { index: 0, size: 3, etag: '"e"' };
      const steps: Array<[PresignOperation, Record<string, unknown>]> = [
        ["read", {}],
        ["write", {}],
        ["delete", {}],
        ["createMultipart", {}],
        ["writeMultipart", { multipartId: "u1", index: 0 }],
        ["listMultipart", { multipartId: "u1" }],
        ["completeMultipart", { multipartId: "u1", parts: [part] }],
      ];
      for (const [op, required] of steps) await store.presign(op, "k", o({ expires: 60, ...required }) as never);
      await store.restore("k", o());
      await store.restore("k", o({ days: 3 }));
      return seen;
    };
    const expected = await run(without);
    // The open-time content type goes with every presign, named as defaulted (a driver sends it where the operation takes it).
    expect(JSON.stringify(expected)).toContain('"defaulted":["contentType"]');
    expect(await run(withUndefined)).toEqual(expected);
  });

  it("are no pair for the servicer either: create, get, list and delete (memory refuses location, not an undefined one)", async () => {
    const servicer = newServicer("memory://");
    const name = `undefined-options-bucket-${++n}`;
    const created = await servicer.create(name, { location: undefined, signal: undefined, ...({ workDir: undefined, noSuchOption: undefined } as object) });
    expect(created.info).toEqual(servicer.get(name).info);
    expect(servicer.get(name, { workDir: undefined, ...({ location: undefined } as object) }).info.workDir).toBe("/");
    expect((await all(servicer.list({ signal: undefined, ...({ location: undefined } as object) }))).map((s) => s.info.name)).toContain(name);
    await servicer.delete(name, { signal: undefined, ...({ location: undefined } as object) });
    expect((await all(servicer.list())).map((s) => s.info.name)).not.toContain(name);
  });

  it("are no token and no expiration in a credential provider's answer: undated credentials, asked again as often", async () => {
    const calls = async (answer: { securityToken?: string | undefined; expiration?: number | undefined }): Promise<number> => {
      let now = Date.UTC(2026, 0, 1);
      let asked = 0;
      const provider = (): { accessKeyId: string; secret: string } & typeof answer => (asked++, { accessKeyId: "AKID", secret: "s", ...answer });
      const source = providedCredentialSource(provider, { keys: ["accessKeyId", "secret"] }, () => now);
      expect(await source.get()).toEqual({ accessKeyId: "AKID", secret: "s", ...answer });
      now += CREDENTIAL_UNDATED_TTL_MS - 1;
      await source.get();
      now += 1;
      await source.get({ fresh: true });
      return asked;
    };
    expect(await calls({})).toBe(2);
    expect(await calls({ securityToken: undefined, expiration: undefined })).toBe(2);
  });

  it("are the engine's defaults in a multipart upload's options", async () => {
    const upload = async (options: MultipartUploadOptions): Promise<unknown> => {
      const { target, log } = loggingTarget();
      const result = await uploadMultipart(target, Readable.from([Buffer.alloc(10, 1), Buffer.alloc(7, 2)]), options);
      return { result, log };
    };
    const optional = ["readAhead", "signal", "onProgress", "multipartId", "onCreate", "startPart", "expectedCrc64", "beforeComplete", "contentMd5", "verifyCrc64", "keepOnFailure", "maxParts", "pooledBuffers"];
    const expected = await upload({ partSize: 4, concurrency: 2 });
    expect(JSON.stringify(expected)).toContain('"uploadedParts":5');
    expect(await upload({ partSize: 4, concurrency: 2, ...Object.fromEntries(optional.map((k) => [k, undefined])) })).toEqual(expected);
  });

  it("are no pair when opening from an object: a pair the service refuses, a default, loose, all undefined", async () => {
    const name = `undefined-options-open-${++n}`;
    const store = newStorager({
      type: "memory",
      name,
      workDir: undefined,
      location: undefined,
      credential: undefined,
      endpoint: undefined,
      enableLoosePair: undefined,
      defaultContentType: undefined,
      partSize: undefined,
    });
    expect(store.info).toEqual(newStorager(`memory://${name}`).info);
    expect(store.features.loosePair).toBe(false);
    await store.write("a", "x");
    expect((await store.stat("a")).contentType).toBe(undefined);
  });
});

/**
 * A storager (`rec://bucket/wd/?default_content_type=text/x-default`) over a recording driver
 * with presigning, restore and content types (no other feature): `seen` gets
 * the options each presign and restore handed the driver.
 */
function openOptionsDriver(): { store: Storager; seen: unknown[] } {
  const seen: unknown[] = [];
  class OptionsDriver extends RecordingDriver {
    override async presign(op: PresignOperation, key: string, options?: DriverCallOptions): Promise<PresignedRequest> {
      seen.push({ op, key, options });
      return super.presign(op, key);
    }
    async restore(key: string, options: DriverCallOptions & { days: number; tier?: RestoreTier }): Promise<RestoreResult> {
      seen.push({ op: "restore", key, options });
      return { alreadyRestored: false };
    }
  }
  const presign = { presignRead: true, presignWrite: true, presignDelete: true, presignCreateMultipart: true, presignWriteMultipart: true, presignListMultipart: true, presignCompleteMultipart: true };
  const driver = new OptionsDriver(defineFeatures({ stat: true, read: true, write: true, delete: true, list: true, multipart: true, restore: true, contentType: true, ...presign }));
  const definition: ServiceDefinition = { type: "rec", packageName: "rec", description: "test", pairs: {}, newStorageDriver: () => driver };
  const resolved = resolveOpenConfig(definition, "rec://bucket/wd/?default_content_type=text/x-default", "storager");
  return { store: createStorager(driver, { ...resolved, definition }), seen };
}

/** A multipart target that stores parts in memory and logs each call in order of completion. */
function loggingTarget(): { target: MultipartTarget; log: string[] } {
  const log: string[] = [];
  const parts = new Map<number, Part>();
  const target: MultipartTarget = {
    create: async () => (log.push("create"), "u1"),
    writePart: async (_id, index, data, checks) => {
      const part = { index, size: data.length, etag: `"${index}"`, crc64: checks.crc64 };
      parts.set(index, part);
      log.push(`part ${index}: ${data.length} bytes, md5 ${checks.contentMd5 ?? "none"}`);
      return part;
    },
    complete: async (_id, given) => (log.push(`complete ${given.map((p) => p.index).join(",")}`), {}),
    abort: async () => void log.push("abort"),
    listParts: async function* () {
      yield* parts.values();
    },
  };
  return { target, log };
}
