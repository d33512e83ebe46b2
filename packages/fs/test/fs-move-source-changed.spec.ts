import { execFileSync } from "node:child_process";
import { promises as realFs } from "node:fs";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";

// A move that cannot rename (or link) its file copies it and then takes the source name away. The
// name must be taken only while it still holds the file that was copied, as it was copied: a file
// written there meanwhile (replaced, or appended to in place) is kept and the move is `Conflict`.
// The interleaving is made deterministic by wrapping node:fs/promises: a hook runs when the copy
// creates its temp file (the source is open by then), once it is filled, before the source name is
// renamed away, or right after; and a rename or link onto the destination can be refused (EXDEV, EPERM), so the
// copy path runs without a second filesystem. Where `mount --bind` works (root), the same runs
// across a real bind mount too (rename(2) and link(2) answer EXDEV themselves).

type Hook = () => Promise<void>;
const hooks: {
  /** Runs (once) when a copy creates its temp file, with the source already open. */
  copying?: Hook | undefined;
  /** Runs (once) when a temp file is first looked at (fstat through its handle): a copy's, once it is filled. */
  copied?: Hook | undefined;
  /** Runs (once) before the source name `src` is renamed to a temp name. */
  beforeTake?: Hook | undefined;
  /** Runs (once) after the source name `src` was renamed to a temp name. */
  afterTake?: Hook | undefined;
  /** Runs (once) after `src` was hard-linked in as `dst`. */
  afterLink?: Hook | undefined;
  /** The errno a rename of `src` onto `dst` fails with (the rename is not made). */
  renameFails?: string | undefined;
  /** The errno a link of `src` as `dst` fails with (the link is not made). */
  linkFails?: string | undefined;
} = {};

/** Runs the hook `name` once (it is disarmed first: what it does passes through unhooked). */
async function fire(name: "copying" | "copied" | "beforeTake" | "afterTake" | "afterLink"): Promise<void> {
  const hook = hooks[name];
  hooks[name] = undefined;
  if (hook !== undefined) await hook();
}

function errno(code: string, syscall: string): Error {
  return Object.assign(new Error(`${code}: ${syscall} refused (test)`), { code, syscall });
}

const isTemp = (path: unknown): boolean => basename(String(path)).startsWith(".stowage-tmp-");

jest.unstable_mockModule("node:fs/promises", () => ({
  ...realFs,
  default: realFs,
  open: async (path: string, flags?: string | number, mode?: number) => {
    if (flags !== "wx" || !isTemp(path)) return realFs.open(path, flags, mode);
    await fire("copying");
    // The temp file is looked at (fstat) once filled.
    const file = await realFs.open(path, flags, mode);
    const stat = file.stat.bind(file) as (options?: { bigint?: boolean }) => Promise<unknown>;
    Object.assign(file, { stat: async (options?: { bigint?: boolean }) => (await fire("copied"), stat(options)) });
    return file;
  },
  rename: async (from: string, to: string): Promise<void> => {
    if (hooks.renameFails !== undefined && basename(from) === "src" && basename(to) === "dst") throw errno(hooks.renameFails, "rename");
    const taking = basename(from) === "src" && isTemp(to);
    if (taking) await fire("beforeTake");
    await realFs.rename(from, to);
    if (taking) await fire("afterTake");
  },
  link: async (from: string, to: string): Promise<void> => {
    if (hooks.linkFails !== undefined && basename(from) === "src" && basename(to) === "dst") throw errno(hooks.linkFails, "link");
    await realFs.link(from, to);
    if (basename(from) === "src" && basename(to) === "dst") await fire("afterLink");
  },
}));

const { isStorageError } = await import("@stowage/core");
const { buf, rejection, tree } = await import("./helpers.js");
const { sandbox } = await import("./setup.js");
type Sandbox = Awaited<ReturnType<typeof sandbox>>;

let s: Sandbox;
let bound: string | undefined;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  for (const k of Object.keys(hooks)) delete hooks[k as keyof typeof hooks];
  if (bound !== undefined) execFileSync("umount", [bound]);
  bound = undefined;
  await s.cleanup();
});

/** Names of temp files (`.stowage-tmp-…`) anywhere in the store. */
async function temps(): Promise<string[]> {
  return (await tree(s.root)).filter((p) => p.split("/").some((n) => n.startsWith(".stowage-tmp-")));
}

const read = (path: string): Promise<string> => realFs.readFile(join(s.root, path), "utf8");

/**
 * Makes `d/src` ("old bytes") and a destination directory the source cannot be renamed or linked
 * into: `m`, a bind mount of `d` (real EXDEV), or `e` with the rename and link refused (mocked).
 * Resolves with the destination's path, or undefined when a bind mount cannot be made here.
 */
async function across(how: "bind" | "mock"): Promise<string | undefined> {
  await realFs.mkdir(join(s.root, "d"));
  await realFs.writeFile(join(s.root, "d/src"), "old bytes");
  if (how === "mock") {
    await realFs.mkdir(join(s.root, "e"));
    hooks.renameFails = "EXDEV";
    // A filesystem that makes no hard link of this file (move-new.ts copies then, as for EXDEV).
    hooks.linkFails = "EPERM";
    return "e/dst";
  }
  await realFs.mkdir(join(s.root, "m"));
  try {
    execFileSync("mount", ["--bind", join(s.root, "d"), join(s.root, "m")], { stdio: "ignore" });
  } catch {
    process.emitWarning("fs-move-source-changed: mount --bind refused, the real EXDEV path is not exercised");
    return undefined;
  }
  bound = join(s.root, "m");
  return "m/dst";
}

const changes = {
  replaced: async (): Promise<void> => void (await s.driver.write(s.key("d/src"), buf("NEW bytes"), {})),
  "appended to in place": (): Promise<void> => realFs.appendFile(join(s.root, "d/src"), " and more"),
};
const after = { replaced: "NEW bytes", "appended to in place": "old bytes and more" };
/** When a source changes: the file it is copied from already open (`copying`), or fully read (`copied`). */
const moments = [
  ["replaced", "copying"],
  ["replaced", "copied"],
  ["appended to in place", "copied"],
] as const;

describe.each(["bind", "mock"] as const)("fs move that copies (%s)", (how) => {
  describe.each([
    ["plain", {}],
    ["ifNotExists", { ifNotExists: true }],
  ] as const)("%s", (_, options) => {
    it.each(moments)(
      "a source %s (%s) is kept: Conflict, the destination holds the version copied, no temp file",
      async (change, moment) => {
        const dst = await across(how);
        if (dst === undefined) return;
        hooks[moment] = changes[change];
        const e = await rejection(s.driver.move(s.key("d/src"), s.key(dst), options));
        expect(hooks[moment]).toBeUndefined();
        expect(e.code).toBe("Conflict");
        expect(e.message).toContain("the source changed during the move");
        expect(await read("d/src")).toBe(after[change]);
        expect(await read(dst)).toBe("old bytes");
        expect(await temps()).toEqual([]);
      },
    );

    it("a source replaced just before its name is taken is put back: Conflict, no temp file", async () => {
      const dst = await across(how);
      if (dst === undefined) return;
      // After the look at the name (it still held the file copied), before the rename takes it.
      hooks.beforeTake = changes.replaced;
      const e = await rejection(s.driver.move(s.key("d/src"), s.key(dst), options));
      expect(e.code).toBe("Conflict");
      expect(await read("d/src")).toBe("NEW bytes");
      expect(await read(dst)).toBe("old bytes");
      expect(await temps()).toEqual([]);
    });

    it("an unchanged source is moved: its name gone, the file at the destination, no temp file", async () => {
      const dst = await across(how);
      if (dst === undefined) return;
      await s.driver.move(s.key("d/src"), s.key(dst), options);
      expect(await read(dst)).toBe("old bytes");
      await expect(realFs.lstat(join(s.root, "d/src"))).rejects.toMatchObject({ code: "ENOENT" });
      expect(await temps()).toEqual([]);
    });
  });
});

describe("fs move ifNotExists (hard link): a source replaced after the link", () => {
  it("is left under its name untouched: an ifNotExists write there is refused, the earlier write never lost", async () => {
    await realFs.mkdir(join(s.root, "d"));
    await realFs.writeFile(join(s.root, "d/src"), "old bytes");
    let written: string | undefined;
    hooks.afterLink = changes.replaced;
    // Had the name been taken (renamed away) to look at it, this write would find it free.
    hooks.afterTake = async () => {
      written = await s.driver.write(s.key("d/src"), buf("C"), { ifNotExists: true }).then(
        () => "written",
        (err: unknown) => (isStorageError(err) ? err.code : String(err)),
      );
    };
    await s.driver.move(s.key("d/src"), s.key("d/dst"), { ifNotExists: true });
    expect(hooks.afterLink).toBeUndefined();
    expect(written).toBeUndefined();
    expect(await read("d/src")).toBe("NEW bytes");
    expect(await read("d/dst")).toBe("old bytes");
    expect(await rejection(s.driver.write(s.key("d/src"), buf("C"), { ifNotExists: true }))).toMatchObject({ code: "Conflict" });
    expect(await temps()).toEqual([]);
  });
});
