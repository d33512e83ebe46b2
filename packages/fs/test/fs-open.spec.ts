/**
 * Opening fs from a connection string: a missing third slash (`fs://tmp/data`) must not silently
 * drop the first directory, and pairs fs has no use for are refused, not ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isStorageError, newStorager, type StorageError } from "@stowage/core";
import "../src/index.js";

function fails(code: string, fn: () => unknown): StorageError {
  try {
    fn();
  } catch (e) {
    if (!isStorageError(e)) throw e;
    expect(e.code).toBe(code);
    return e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "stowage-fs-open-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("fs connection strings", () => {
  it("fs://<dir>/<sub> (two slashes) is refused with a three-slash hint", () => {
    const e = fails("ConnectionStringInvalid", () => newStorager("fs://tmp/data"));
    expect(e.message).toContain("fs:///tmp/data");
    expect(e.service).toBe("fs");
  });

  it("fs://<dir> (no work_dir) needs a work_dir, with the hint", () => {
    const e = fails("PairRequired", () => newStorager("fs://tmp"));
    expect(e.message).toContain("fs:///tmp");
  });

  it.each(["data", "./data", "~/data", "C:\\data"])("a relative work_dir %j is refused, never put under /", (dir) => {
    expect(fails("InvalidArgument", () => newStorager({ type: "fs", workDir: dir })).message).toContain("must be absolute");
    expect(fails("ConnectionStringInvalid", () => newStorager(`fs://?work_dir=${encodeURIComponent(dir)}`)).message).toContain("must be absolute");
  });

  it.each([
    ["fs://./data", "absolute POSIX directory"],
    ["fs://~/data", "absolute POSIX directory"],
    ["fs://C:/data", "absolute POSIX directory"],
    ["fs://localhost/tmp/x", "did you mean fs:///tmp/x (no host)"],
  ])("%s gets a hint that does not open a directory under /", (conn, hint) => {
    const e = fails("ConnectionStringInvalid", () => newStorager(conn));
    expect(e.message).toContain(hint);
    expect(e.message).not.toContain("three slashes");
  });

  it("a name as a pair or an option is unsupported", () => {
    fails("PairUnsupported", () => newStorager(`fs://${tmp}/?name=x`));
    fails("PairUnsupported", () => newStorager({ type: "fs", workDir: tmp, name: "x" }));
  });

  it.each(["credential=hmac:AK:SK", "endpoint=https:evil.example", "location=ap-guangzhou"])("fs://…?%s is PairUnsupported", (pair) => {
    fails("PairUnsupported", () => newStorager(`fs://${tmp}/?${pair}`));
  });

  it("an unknown pair's accepted list leaves out the default_ pairs fs refuses for a feature it lacks", () => {
    const accepted = fails("ConnectionStringInvalid", () => newStorager(`fs://${tmp}/?max_retries=3`)).message;
    expect(accepted).toContain("accepted: concurrency, enable_loose_pair, fsync");
    for (const refused of ["default_cache_control", "default_content_type", "default_storage_class"]) {
      expect(accepted).not.toContain(refused);
      fails("PairUnsupported", () => newStorager(`fs://${tmp}/?${refused}=x`));
    }
  });

  it("a trailing newline (from a file or an env var) is refused, no directory is made", async () => {
    fails("ConnectionStringInvalid", () => newStorager(`fs://${tmp}/data\n`));
    expect(await readdir(tmp)).toEqual([]);
  });

  it("three slashes open the directory; enable_loose_pair drops the unused pairs", async () => {
    const store = newStorager(`fs://${tmp}/d/?location=x&enable_loose_pair`);
    expect(store.info.workDir).toBe(`${tmp}/d/`);
    await store.write("a.txt", "a");
    expect(await readdir(join(tmp, "d"))).toContain("a.txt");
  });
});

describe("fs: defaults of pairs whose feature fs lacks", () => {
  it("default_content_type and default_storage_class are refused at open (PairUnsupported), as at a call site", () => {
    for (const pair of ["default_content_type=text/plain", "default_storage_class=STANDARD"]) {
      const e = fails("PairUnsupported", () => newStorager(`fs://${tmp}/?${pair}`));
      expect(e.message).toContain(pair.split("=")[0]);
    }
    expect(newStorager(`fs://${tmp}/?default_content_type=text/plain&enable_loose_pair=true`).info.service).toBe("fs");
  });
});
