import { promises as realFs } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// Review-concurrent MEDIUM 2 and LOW 1: a Complete racing an abort of the same upload (or another
// Complete of it) failed `InvalidArgument: part 0 was never uploaded`, `Conflict: part 1 was not
// uploaded to this upload` (core's listing came out partial) or `ObjectNotExist: no such object`
// (a part's file gone while it was copied), although the upload was gone; COS, OSS and QingStor
// say no such upload. Here the abort runs at the exact point the race hit: node:fs/promises is
// wrapped so that the lstat (or open) of a named part file first runs a hook (the abort), once.

/** Run once, before the lstat or open of an upload's file whose name is `name` (`part-1`). */
let hook: { name: string; on: "lstat" | "open"; run: () => Promise<void> } | undefined;

async function fire(on: "lstat" | "open", path: unknown): Promise<void> {
  const armed = hook;
  if (armed === undefined || armed.on !== on || !String(path).endsWith(`/${armed.name}`)) return;
  hook = undefined;
  await armed.run();
}

jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  lstat: async (...args: Parameters<typeof realFs.lstat>) => {
    await fire("lstat", args[0]);
    return realFs.lstat(...args);
  },
  open: async (path: string, flags?: string | number, mode?: number) => {
    // Numeric flags: the driver opening its own file (a part, without following a link).
    if (typeof flags === "number") await fire("open", path);
    return realFs.open(path, flags, mode);
  },
}));

const { ErrorCode, isStorageError, newStorager } = await import("@stowage/core");
// Registers the fs service for newStorager.
await import("../src/index.js");
const { sandbox } = await import("./setup.js");
const { buf, rejection } = await import("./helpers.js");

type Part = import("@stowage/core").Part;
const GONE = "no such multipart upload (aborted or completed meanwhile)";

let s: Awaited<ReturnType<typeof sandbox>>;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  hook = undefined;
  await s.cleanup();
});

/** An upload at `key` with parts 0 and 1 uploaded; its id and parts. */
async function twoParts(key: string): Promise<{ id: string; parts: Part[] }> {
  const { multipartId: id } = await s.driver.createMultipart!(key, {});
  const parts = [await s.driver.writePart!(key, id, 0, buf("zero"), {}), await s.driver.writePart!(key, id, 1, buf("one"), {})];
  return { id, parts };
}

/** Whether anything is at the object's path. */
async function stored(path: string): Promise<boolean> {
  return realFs.lstat(`${s.root}/${path}`).then(
    () => true,
    () => false,
  );
}

describe("fs completeMultipart whose upload is aborted meanwhile", () => {
  it("aborted before its parts are checked: ObjectNotExist naming the upload, not `part 0 was never uploaded`", async () => {
    const key = s.key("obj");
    const { id, parts } = await twoParts(key);
    hook = { name: "part-0", on: "lstat", run: () => s.driver.abortMultipart!(key, id, {}) };
    expect(await rejection(s.driver.completeMultipart!(key, id, parts, {}))).toMatchObject({ code: ErrorCode.ObjectNotExist, detail: GONE });
    expect(hook).toBeUndefined();
    expect(await stored("obj")).toBe(false);
  });

  it("aborted while its parts are copied: ObjectNotExist naming the upload, not `no such object`", async () => {
    const key = s.key("obj");
    await realFs.writeFile(`${s.root}/obj`, "earlier version");
    const { id, parts } = await twoParts(key);
    hook = { name: "part-1", on: "open", run: () => s.driver.abortMultipart!(key, id, {}) };
    expect(await rejection(s.driver.completeMultipart!(key, id, parts, {}))).toMatchObject({ code: ErrorCode.ObjectNotExist, detail: GONE });
    expect(hook).toBeUndefined();
    // The object at the key, which exists, is kept as it was.
    expect(await realFs.readFile(`${s.root}/obj`, "utf8")).toBe("earlier version");
  });

  it("completed by another call while its parts are copied: ObjectNotExist naming the upload; the other's object stays", async () => {
    const key = s.key("obj");
    const { id, parts } = await twoParts(key);
    hook = { name: "part-0", on: "open", run: async () => void (await s.driver.completeMultipart!(key, id, parts, {})) };
    expect(await rejection(s.driver.completeMultipart!(key, id, parts, {}))).toMatchObject({ code: ErrorCode.ObjectNotExist, detail: GONE });
    expect(hook).toBeUndefined();
    expect(await realFs.readFile(`${s.root}/obj`, "utf8")).toBe("zeroone");
  });

  it("through the storager: aborted while core lists the parts, ObjectNotExist, not `Conflict: part 1 was not uploaded`", async () => {
    const store = newStorager(`fs://${s.root}/`);
    const upload = await store.createMultipart("obj");
    const parts = [await store.writeMultipart(upload, Buffer.from("zero"), { index: 0 }), await store.writeMultipart(upload, Buffer.from("one"), { index: 1 })];
    // Core's listing (ListParts) lstats each part: the abort runs after part 0 was listed.
    hook = { name: "part-1", on: "lstat", run: () => s.driver.abortMultipart!(s.key("obj"), upload.multipartId, {}) };
    const error = await rejection(store.completeMultipart(upload, parts));
    expect(hook).toBeUndefined();
    expect(error.code).toBe(ErrorCode.ObjectNotExist);
    expect(error.message).toContain("no such multipart upload");
    expect(await stored("obj")).toBe(false);
  });
});

describe("fs completeMultipart of an upload that is still there keeps its errors", () => {
  it("a part never uploaded: InvalidArgument, the upload kept", async () => {
    const key = s.key("obj");
    const { multipartId: id } = await s.driver.createMultipart!(key, {});
    const zero = await s.driver.writePart!(key, id, 0, buf("zero"), {});
    const error = await rejection(s.driver.completeMultipart!(key, id, [zero, { index: 1, size: 3, etag: "x" }], {}));
    expect(error).toMatchObject({ code: ErrorCode.InvalidArgument, detail: "part 1 was never uploaded" });
    await s.driver.statMultipart!(key, id, {});
  });

  it("a part removed from the live upload while the parts are copied: Conflict naming the part, the upload kept", async () => {
    const key = s.key("obj");
    const { id, parts } = await twoParts(key);
    const dir = `${s.root}/.stowage-multipart/${id}`;
    hook = { name: "part-1", on: "open", run: () => realFs.unlink(`${dir}/part-1`) };
    const error = await rejection(s.driver.completeMultipart!(key, id, parts, {}));
    expect(error).toMatchObject({ code: ErrorCode.Conflict });
    expect(error.message).toContain("part 1 was removed from the upload");
    await s.driver.statMultipart!(key, id, {});
    expect(await stored("obj")).toBe(false);
  });

  it("through the storager: a part never uploaded to the live upload is still Conflict, the upload kept", async () => {
    const store = newStorager(`fs://${s.root}/`);
    const upload = await store.createMultipart("obj");
    const zero = await store.writeMultipart(upload, Buffer.from("zero"), { index: 0 });
    const error = await rejection(store.completeMultipart(upload, [zero, { index: 1, size: 3, etag: "x" }]));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.message).toContain("part 1 was not uploaded to this upload");
    await s.driver.statMultipart!(s.key("obj"), upload.multipartId, {});
  });
});

describe("fs completeMultipart racing an abort, for real", () => {
  it("fails only with ObjectNotExist, over 200 rounds", async () => {
    const store = newStorager(`fs://${s.root}/`);
    const seen = new Map<string, number>();
    const data = [Buffer.alloc(256 * 1024, 1), Buffer.alloc(256 * 1024, 2)];
    for (let round = 0; round < 200; round++) {
      const upload = await store.createMultipart(`r/${round}`);
      const parts = [await store.writeMultipart(upload, data[0]!, { index: 0 }), await store.writeMultipart(upload, data[1]!, { index: 1 })];
      const complete = store.completeMultipart(upload, parts).then(
        () => "ok",
        (e: unknown) => (isStorageError(e) ? e.code : String(e)),
      );
      await new Promise((resolve) => setTimeout(resolve, round % 4));
      await store.delete(`r/${round}`, { multipartId: upload.multipartId });
      const outcome = await complete;
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    }
    expect([...seen.keys()].filter((k) => k !== "ok" && k !== ErrorCode.ObjectNotExist)).toEqual([]);
  });
});
