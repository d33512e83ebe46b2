// The errors of a listing name what failed as the user sees it (review-sync LOW-5/6): a directory
// deeper than PATH_MAX is said as such (ENAMETOOLONG, no name too long in it), and the directory
// that failed is a path relative to the work_dir, as every other path the storager reports (it was
// the whole key: the absolute path without its `/`). The listing fails: a directory is never left
// out (a sync with --delete built on such a listing would delete what it holds elsewhere).
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ErrorCode, isStorageError, newStorager } from "@stowage/core";
import "../src/index.js";
import { fsError } from "../src/errors.js";

/** A directory name of 200 bytes; 22 of them nested make a path over Linux's PATH_MAX (4,096 bytes). */
const LONG = "d".repeat(200);
const DEPTH = 22;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stowage-fs-listerr-"));
  await mkdir(join(tmp, "store", "sub"), { recursive: true });
  await writeFile(join(tmp, "store", "top.txt"), "top");
  // Made a level at a time with relative paths (bash's cd), as no single path may be that long.
  execFileSync("bash", ["-c", `cd "$1" && i=0; while [ $i -lt ${DEPTH} ]; do mkdir ${LONG} && cd ${LONG} || exit 1; i=$((i+1)); done; echo x > f.txt`, "bash", join(tmp, "store", "sub")]);
});
afterAll(async () => {
  // rm -r goes down with relative paths too (Node's rm would meet the same limit).
  execFileSync("rm", ["-rf", tmp]);
});

describe("fs listing errors", () => {
  it("name a directory below the work_dir by its path relative to it, and one deeper than PATH_MAX as such", async () => {
    const store = newStorager(`fs://${tmp}/store/`);
    let error: unknown;
    try {
      for await (const _ of store.list("", { mode: "prefix" })) void _;
    } catch (e) {
      error = e;
    }
    expect(isStorageError(error, ErrorCode.InvalidArgument)).toBe(true);
    const e = error as { path?: unknown; detail: string; message: string };
    expect(e.detail).toBe(
      "a directory lies deeper than this system's path limit (PATH_MAX, ENAMETOOLONG): it cannot be listed, nor its files addressed; the listing stops there rather than leave it out",
    );
    // Relative to the work_dir: `sub/ddd…/…/`, the deepest directory that could still be named, never `tmp/…/store/sub/…`.
    expect(typeof e.path).toBe("string");
    const path = e.path as string;
    expect(path.startsWith(`sub/${LONG}/`)).toBe(true);
    expect(path).not.toContain(tmp.slice(1));
    expect(e.message).not.toContain(tmp.slice(1));
  });

  it("maps ENAMETOOLONG to InvalidArgument saying so, and other invalid paths as before", () => {
    const long = fsError(Object.assign(new Error("x"), { code: "ENAMETOOLONG" }));
    expect([long.code, long.detail]).toEqual([ErrorCode.InvalidArgument, "name too long for this filesystem (ENAMETOOLONG: a name over 255 bytes, or a path over its limit)"]);
    const invalid = fsError(Object.assign(new Error("x"), { code: "ERR_INVALID_ARG_VALUE" }));
    expect([invalid.code, invalid.detail]).toEqual([ErrorCode.InvalidArgument, "the path is not valid on this filesystem"]);
  });
});
