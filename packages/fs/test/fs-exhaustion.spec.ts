import { promises as realFs } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// Review-exhaustion H1 and M1. H1: an upload whose record is there but cannot be read now (EMFILE
// when descriptors run out, EACCES, EIO) was taken for no upload: an abort resolved and left it, a
// part write said "no such multipart upload". M1: a full disk, a quota, too many open files were
// all `Unexpected: filesystem error ENOSPC`, with no text, never retryable. The record's read is
// made to fail by wrapping node:fs/promises `open` (the driver reads it through a pinned
// directory, /proc/self/fd/<fd>/upload.json, with numeric flags); a probe on a real process out of
// descriptors saw the same.

/** The errno `open` of an upload record fails with, when set. */
let failRecordRead: { code: string; errno: number; text: string } | undefined;
/** When set, writes into a temp file the driver makes (opened "wx") fail with ENOSPC: a full disk. */
let diskFull = false;

/** A Node-like fs error: its message names the path, as Node's do (the driver's must not). */
function nodeError(code: string, errno: number, text: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), { code, errno, syscall, path });
}

jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  open: async (path: string, flags?: string | number, mode?: number) => {
    if (failRecordRead !== undefined && typeof flags === "number" && String(path).endsWith("/upload.json")) {
      const { code, errno, text } = failRecordRead;
      throw nodeError(code, errno, text, "open", String(path));
    }
    const file = await realFs.open(path, flags, mode);
    if (diskFull && flags === "wx") {
      Object.assign(file, {
        write: async (): Promise<never> => {
          throw nodeError("ENOSPC", -28, "no space left on device", "write", String(path));
        },
      });
    }
    return file;
  },
}));

const { ErrorCode, newStorager } = await import("@stowage/core");
const { fsError } = await import("../src/index.js");
const { descriptorWait } = await import("../src/descriptor-wait.js");
const { sandbox } = await import("./setup.js");
const { buf, rejection } = await import("./helpers.js");

const EMFILE = { code: "EMFILE", errno: -24, text: "too many open files" };
const EACCES = { code: "EACCES", errno: -13, text: "permission denied" };
const EIO = { code: "EIO", errno: -5, text: "i/o error" };

let s: Awaited<ReturnType<typeof sandbox>>;
const WAIT = { ...descriptorWait };
beforeEach(async () => {
  // An EMFILE here never clears: the driver's wait for descriptors (about 2 s) is cut short.
  descriptorWait.totalMs = 20;
  s = await sandbox();
});
afterEach(async () => {
  Object.assign(descriptorWait, WAIT);
  failRecordRead = undefined;
  diskFull = false;
  await s.cleanup();
});

/** The entries of upload `id`'s staging directory (empty when it is gone). */
async function staged(id: string): Promise<string[]> {
  return (await realFs.readdir(join(s.root, ".stowage-multipart", id)).catch(() => [] as string[])).sort();
}

describe("fs multipart: a record that is there but cannot be read (H1)", () => {
  it("EMFILE: the abort fails (retryable), keeping the upload; a part write and a stat fail with it, not as no upload", async () => {
    const key = s.key("obj");
    const { multipartId } = await s.driver.createMultipart!(key, {});
    await s.driver.writePart!(key, multipartId, 0, buf("part zero"), {});
    failRecordRead = EMFILE;

    const abort = await rejection(s.driver.abortMultipart!(key, multipartId, {}));
    expect(abort).toMatchObject({ code: ErrorCode.ServiceInternal, retryable: true, detail: "too many open files (EMFILE)" });
    expect(await staged(multipartId)).toEqual(["part-0", "part-0.crc64.json", "upload.json"]);
    expect(await rejection(s.driver.writePart!(key, multipartId, 1, buf("one"), {}))).toMatchObject({ code: ErrorCode.ServiceInternal, detail: "too many open files (EMFILE)" });
    expect(await rejection(s.driver.statMultipart!(key, multipartId, {}))).toMatchObject({ code: ErrorCode.ServiceInternal });
    expect(await rejection(s.driver.listParts!(key, multipartId, undefined, {}))).toMatchObject({ code: ErrorCode.ServiceInternal });

    failRecordRead = undefined;
    await s.driver.abortMultipart!(key, multipartId, {});
    expect(await staged(multipartId)).toEqual([]);
  });

  it("EACCES and EIO: the abort fails with PermissionDenied and Unexpected, keeping the upload", async () => {
    const key = s.key("obj");
    const { multipartId } = await s.driver.createMultipart!(key, {});
    failRecordRead = EACCES;
    expect(await rejection(s.driver.abortMultipart!(key, multipartId, {}))).toMatchObject({ code: ErrorCode.PermissionDenied });
    failRecordRead = EIO;
    const io = await rejection(s.driver.abortMultipart!(key, multipartId, {}));
    expect(io).toMatchObject({ code: ErrorCode.Unexpected, retryable: false, detail: "filesystem error EIO: i/o error" });
    expect(await staged(multipartId)).toEqual(["upload.json"]);
  });

  it("a listing of uploads fails with the error instead of leaving out an upload it cannot read, and lists it once it can", async () => {
    const store = newStorager(`fs://${s.root}/`);
    await s.driver.createMultipart!(s.key("a.bin"), {});
    await s.driver.createMultipart!(s.key("b.bin"), {});
    const listed = async (): Promise<string[]> => {
      const paths: string[] = [];
      for await (const u of store.list("", { mode: "part" })) paths.push(u.path);
      return paths;
    };
    failRecordRead = EMFILE;
    expect(await rejection(listed())).toMatchObject({ code: ErrorCode.ServiceInternal, retryable: true });
    failRecordRead = EACCES;
    expect(await rejection(listed())).toMatchObject({ code: ErrorCode.PermissionDenied });
    failRecordRead = undefined;
    expect(await listed()).toEqual(["a.bin", "b.bin"]);
  });

  it("what says there is no upload still does: a missing upload, a record of another key, a record that is none", async () => {
    const key = s.key("obj");
    await s.driver.abortMultipart!(key, "0".repeat(32), {});
    const { multipartId } = await s.driver.createMultipart!(key, {});
    await s.driver.abortMultipart!(s.key("other"), multipartId, {});
    expect(await rejection(s.driver.statMultipart!(s.key("other"), multipartId, {}))).toMatchObject({ code: ErrorCode.ObjectNotExist });
    await realFs.writeFile(join(s.root, ".stowage-multipart", multipartId, "upload.json"), "not json");
    await s.driver.abortMultipart!(key, multipartId, {});
    expect(await rejection(s.driver.writePart!(key, multipartId, 0, buf("x"), {}))).toMatchObject({ code: ErrorCode.ObjectNotExist, detail: "no such multipart upload" });
    // Not a record of the driver's: left alone.
    expect(await staged(multipartId)).toEqual(["upload.json"]);
  });

  it("a multipart write whose part and abort fail so says the upload may be left (core's note), and it is there to abort", async () => {
    const store = newStorager(`fs://${s.root}/`);
    failRecordRead = EMFILE;
    const error = await rejection(store.write("big.bin", Buffer.alloc(3 * 1024, 7), { multipartThreshold: 1024, partSize: 1024 }));
    expect(error.code).toBe(ErrorCode.ServiceInternal);
    expect(error.message).toContain("too many open files (EMFILE)");
    expect(error.message).toContain("may be left on the service");
    failRecordRead = undefined;
    const uploads: string[] = [];
    for await (const u of store.list("", { mode: "part" })) uploads.push(u.path);
    expect(uploads).toEqual(["big.bin"]);
  });
});

describe("fsError: a full disk, a quota, too many open files, other errnos (M1)", () => {
  const path = "/secret/work/dir/a.txt";

  it.each([
    ["ENOSPC", -28, "no space left on the file system (ENOSPC)", false],
    ["EDQUOT", -122, "disk quota exceeded (EDQUOT)", false],
    ["EFBIG", -27, "file too large for the file system (EFBIG)", false],
    ["EMFILE", -24, "too many open files (EMFILE)", true],
    ["ENFILE", -23, "too many open files (ENFILE)", true],
  ] as const)("%s (errno %d) is ServiceInternal, said plainly", (code, errno, detail, retryable) => {
    const error = fsError(nodeError(code, errno, "text", "write", path));
    expect(error).toMatchObject({ code: ErrorCode.ServiceInternal, detail, retryable });
    expect(error.message).not.toContain(path);
  });

  it("an errno Node has no name for (UNKNOWN) is named by the OS's: EDQUOT on Linux", () => {
    if (process.platform !== "linux") return;
    const error = fsError(nodeError("UNKNOWN", -122, "unknown error", "write", path));
    expect(error).toMatchObject({ code: ErrorCode.ServiceInternal, detail: "disk quota exceeded (EDQUOT)", retryable: false });
  });

  it("any other errno stays Unexpected, naming it with the system's text, never the path", () => {
    const error = fsError(nodeError("ENXIO", -6, "no such device or address", "open", path));
    expect(error).toMatchObject({ code: ErrorCode.Unexpected, detail: "filesystem error ENXIO: no such device or address", retryable: false });
    expect(error.message).not.toContain(path);
    // One the system has no text for (Node's table lacks it) is named alone.
    expect(fsError(nodeError("ESTALE", -116, "unknown error", "open", path)).detail).toBe("filesystem error ESTALE");
    expect(fsError(new Error("no errno")).detail).toBe("filesystem error");
  });

  it("a write that hits a full disk says so (ServiceInternal, not retryable), its path relative to the work_dir, and keeps the old object", async () => {
    const store = newStorager(`fs://${s.root}/`);
    await store.write("x", "old");
    diskFull = true;
    const error = await rejection(store.write("x", "new bytes"));
    expect(error.message).toBe('ServiceInternal: no space left on the file system (ENOSPC) (op=write, service=fs, path="x")');
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(s.root);
    diskFull = false;
    expect((await store.read("x")).toString()).toBe("old");
    expect(await realFs.readdir(s.root)).toEqual(["x"]);
  });
});
