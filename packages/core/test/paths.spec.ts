import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isStorageError } from "../src/errors/storage-error.js";
import { keyToPath, normalizeWorkDir, resolvePath, unaddressableReason } from "../src/path/paths.js";

function invalidArgument(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected InvalidArgument, nothing was thrown");
}

describe("normalizeWorkDir", () => {
  it.each([
    ["/", "/"],
    ["", "/"],
    ["/a/b/", "/a/b/"],
    ["/a/b", "/a/b/"],
    ["\\a\\b\\", "/a/b/"],
    ["/with space/ü/", "/with space/ü/"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeWorkDir(input)).toBe(expected);
  });

  it.each(["/a/../b/", "/./", "/a/./", "..", "/a//b/", "//", "/a\0/"])("rejects %j", (input) => {
    invalidArgument(() => normalizeWorkDir(input));
  });

  // Never resolved against the current directory: fs would open a directory under / instead.
  it.each(["a/b", "data", "./data", "~/data", "C:\\data", "C:/data"])("rejects the relative %j, saying it must be absolute", (input) => {
    expect(() => normalizeWorkDir(input)).toThrow(/must be absolute/);
    invalidArgument(() => normalizeWorkDir(input));
  });

  it("rejects a non-string", () => {
    invalidArgument(() => normalizeWorkDir(42 as unknown as string));
  });
});

describe("resolvePath", () => {
  it("joins a relative path to the work_dir", () => {
    expect(resolvePath("/a/b/", "c.txt")).toEqual({ key: "a/b/c.txt", path: "c.txt" });
    expect(resolvePath("/", "c.txt")).toEqual({ key: "c.txt", path: "c.txt" });
    expect(resolvePath("/a/b/", "x/y/z")).toEqual({ key: "a/b/x/y/z", path: "x/y/z" });
  });

  it("normalises the work_dir it is given", () => {
    expect(resolvePath("/a/b", "c").key).toBe("a/b/c");
    expect(resolvePath("\\a\\b", "c").key).toBe("a/b/c");
  });

  it("addresses the same key from an absolute path inside the work_dir and echoes it", () => {
    expect(resolvePath("/a/b/", "/a/b/c.txt")).toEqual({ key: "a/b/c.txt", path: "/a/b/c.txt" });
    expect(resolvePath("/", "/c.txt")).toEqual({ key: "c.txt", path: "/c.txt" });
  });

  it("rejects an absolute path outside the work_dir", () => {
    const message = invalidArgument(() => resolvePath("/a/b/", "/a/c.txt"));
    expect(message).toContain("outside work_dir");
    invalidArgument(() => resolvePath("/a/b/", "/a/bc/d"));
    invalidArgument(() => resolvePath("/a/b/", "/x"));
  });

  it("reads backslashes as slashes", () => {
    expect(resolvePath("/a/", "x\\y.txt")).toEqual({ key: "a/x/y.txt", path: "x/y.txt" });
    expect(resolvePath("/a/", "\\a\\x")).toEqual({ key: "a/x", path: "/a/x" });
  });

  it("keeps keys byte-exact", () => {
    for (const name of ["with space.txt", "a+b.txt", "100%.txt", "~tilde", "中文/文件.txt", "é-ü", " lead", "trail "]) {
      expect(resolvePath("/w/", name).key).toBe("w/" + name);
    }
  });

  it.each(["", "a/../b", "../x", "./x", "a/./b", "a//b", "x\0y", "..", "."])("rejects %j", (p) => {
    invalidArgument(() => resolvePath("/w/", p));
  });

  it("rejects the work_dir itself unless dir", () => {
    invalidArgument(() => resolvePath("/w/", "/w/"));
    invalidArgument(() => resolvePath("/w/", "/w"));
    expect(resolvePath("/w/", "", { dir: true })).toEqual({ key: "w/", path: "" });
    expect(resolvePath("/w/", "/w/", { dir: true })).toEqual({ key: "w/", path: "/w/" });
    expect(resolvePath("/w/", "/w", { dir: true })).toEqual({ key: "w/", path: "/w/" });
    expect(resolvePath("/", "", { dir: true })).toEqual({ key: "", path: "" });
  });

  it("makes dir keys and paths end with a slash", () => {
    expect(resolvePath("/w/", "d", { dir: true })).toEqual({ key: "w/d/", path: "d/" });
    expect(resolvePath("/w/", "d/", { dir: true })).toEqual({ key: "w/d/", path: "d/" });
    expect(resolvePath("/w/", "d/", {})).toEqual({ key: "w/d/", path: "d/" });
  });

  it("rejects non-strings", () => {
    invalidArgument(() => resolvePath("/", undefined as unknown as string));
    invalidArgument(() => resolvePath(undefined as unknown as string, "a"));
  });
});

describe("keyToPath", () => {
  it("strips the work_dir prefix", () => {
    expect(keyToPath("/a/b/", "a/b/c.txt")).toBe("c.txt");
    expect(keyToPath("/a/b/", "a/b/d/")).toBe("d/");
    expect(keyToPath("/a/b/", "a/b/")).toBe("");
    expect(keyToPath("/", "x/y")).toBe("x/y");
  });

  it("rejects keys outside the work_dir", () => {
    invalidArgument(() => keyToPath("/a/b/", "a/c.txt"));
    invalidArgument(() => keyToPath("/a/b/", "a/b"));
  });
});

const segment = fc
  .string({ unit: fc.constantFrom("a", "b", "Z", " ", "+", "%", "~", "é", "中", "-", ".", "_"), minLength: 1, maxLength: 6 })
  .filter((s) => s !== "." && s !== "..");
const relPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
const workDir = fc.array(segment, { maxLength: 3 }).map((s) => (s.length ? `/${s.join("/")}/` : "/"));
const noisy = fc.string({ unit: fc.constantFrom("a", "/", "\\", ".", "..", "\0", " ", "%", "é"), maxLength: 12 });

function onlyInvalidArgument(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    return isStorageError(e, "InvalidArgument");
  }
}

describe("path properties", () => {
  it("normalizeWorkDir and resolvePath throw nothing but InvalidArgument and stay inside the work_dir", () => {
    fc.assert(
      fc.property(noisy, noisy, fc.boolean(), (wd, p, dir) => {
        expect(onlyInvalidArgument(() => normalizeWorkDir(wd))).toBe(true);
        let result: { key: string } | undefined;
        const ok = onlyInvalidArgument(() => {
          result = resolvePath(wd, p, { dir });
        });
        expect(ok).toBe(true);
        if (result) {
          const prefix = normalizeWorkDir(wd).slice(1);
          expect(result.key.startsWith(prefix)).toBe(true);
          expect(result.key.split("/")).not.toContain("..");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("keyToPath(resolvePath(p).key) round-trips relative paths", () => {
    fc.assert(
      fc.property(workDir, relPath, fc.boolean(), (wd, p, dir) => {
        const { key, path } = resolvePath(wd, p, { dir });
        expect(keyToPath(wd, key)).toBe(path);
        expect(keyToPath(wd, key)).toBe(dir ? p + "/" : p);
      }),
      { numRuns: 1000 },
    );
  });

  it("an absolute path inside the work_dir addresses the same key as its relative form", () => {
    fc.assert(
      fc.property(workDir, relPath, (wd, p) => {
        expect(resolvePath(wd, wd + p).key).toBe(resolvePath(wd, p).key);
      }),
    );
  });
});

describe("unaddressableReason", () => {
  it.each([
    ["/", "a\\b", "backslash"],
    ["/", "a//b", "empty segment"],
    ["/", "a//", "empty segment"],
    ["/", "/a", "empty segment"],
    ["/w/", "w//a", "empty segment"],
    ["/", "a/./b", '"." segment'],
    ["/", "..", '".." segment'],
    ["/", "a/../", '".." segment'],
    ["/", "a\uD800", "lone surrogate"],
    ["/", "a\0", "NUL"],
  ])("work_dir %j, key %j: %s", (workDir, key, reason) => {
    expect(unaddressableReason(workDir, key)).toBe(reason);
  });

  it.each([
    ["/", "a/b"],
    ["/", "a/b/"],
    ["/", "a b/ü😀/..."],
    ["/w/", "w/"],
    ["/w/", "w/x/"],
    ["/", "nl\nx"],
  ])("work_dir %j, key %j: addressable (its path resolves back to it)", (workDir, key) => {
    expect(unaddressableReason(workDir, key)).toBeUndefined();
    const path = keyToPath(workDir, key);
    if (path !== "") expect(resolvePath(workDir, path, { dir: path.endsWith("/") }).key).toBe(key);
  });
});

describe("well-formed Unicode", () => {
  it.each(["a\uD800", "\uDC00", "a\uDC00\uD800b", "x/\uDBFF"])("resolvePath and normalizeWorkDir refuse %j", (text) => {
    expect(invalidArgument(() => resolvePath("/", text))).toMatch(/not well-formed Unicode/);
    expect(invalidArgument(() => normalizeWorkDir("/" + text))).toMatch(/not well-formed Unicode/);
  });
});
