import { lstat, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { FsStorageDriver } from "../src/storager.js";
import { buf, drain, expectCode, tree, waitFor } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
  await writeFile(join(s.outside, "secret.txt"), "outside data");
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs driver: confinement to work_dir", () => {
  it("refuses keys outside the work_dir, lexically", async () => {
    await expectCode(s.driver.write(s.tmp.slice(1) + "/outside/x", buf("x"), {}), "InvalidArgument");
    await expectCode(s.driver.write(s.key("../outside/x"), buf("x"), {}), "InvalidArgument");
    await expectCode(s.driver.read(s.key("../outside/secret.txt"), {}, {}), "InvalidArgument");
    await expectCode(s.driver.listPage({ prefix: s.tmp.slice(1) + "/", delimiter: "/", limit: 10 }, {}), "InvalidArgument");
    expect(await readdir(s.outside)).toEqual(["secret.txt"]);
  });

  it("refuses every access through a symlink that points outside, touching nothing", async () => {
    await symlink(s.outside, join(s.root, "escape"));
    await symlink(join(s.outside, "secret.txt"), join(s.root, "secret-link"));
    const k = s.key("escape/new.txt");
    await expectCode(s.driver.write(k, buf("x"), {}), "InvalidArgument");
    await expectCode(s.driver.write(s.key("escape/deep/er/new.txt"), buf("x"), {}), "InvalidArgument");
    await expectCode(s.driver.createDir(s.key("escape/dir/"), {}), "InvalidArgument");
    await expectCode(s.driver.read(s.key("escape/secret.txt"), {}, {}), "InvalidArgument");
    await expectCode(s.driver.read(s.key("secret-link"), {}, {}), "InvalidArgument");
    await expectCode(s.driver.stat(s.key("escape/secret.txt"), {}), "InvalidArgument");
    await expectCode(s.driver.delete(s.key("escape/secret.txt"), {}), "InvalidArgument");
    await expectCode(s.driver.copy(s.key("secret-link"), s.key("copy"), {}), "InvalidArgument");
    await expectCode(s.driver.move(s.key("secret-link"), s.key("moved"), {}), "InvalidArgument");
    await expectCode(s.driver.createAppend(s.key("escape/a"), {}), "InvalidArgument");
    await expectCode(s.driver.createMultipart(s.key("escape/mp"), {}), "InvalidArgument");
    await expectCode(s.driver.listPage({ prefix: s.key("escape/"), delimiter: "/", limit: 10 }, {}), "InvalidArgument");
    // Writing over the outward link replaces the link itself, in its pinned directory: the file outside stays.
    await s.driver.write(s.key("secret-link"), buf("overwrite"), {});
    expect((await lstat(join(s.root, "secret-link"))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(s.root, "secret-link"), "utf8")).toBe("overwrite");
    expect(await readdir(s.outside)).toEqual(["secret.txt"]);
    expect(await readFile(join(s.outside, "secret.txt"), "utf8")).toBe("outside data");
  });

  it("stats an outward symlink as the link it is: its target's path, nothing of the target", async () => {
    await symlink(join(s.outside, "secret.txt"), join(s.root, "secret-link"));
    const o = await s.driver.stat(s.key("secret-link"), {});
    expect(o).toEqual({ key: s.key("secret-link"), mode: "link", linkTarget: join(s.outside, "secret.txt"), lastModified: expect.any(Date) });
    await expectCode(s.driver.read(s.key("secret-link"), {}, {}), "InvalidArgument");
    // Removing the link is removing an entry inside: allowed, and the target stays.
    await s.driver.delete(s.key("secret-link"), {});
    await expectCode(s.driver.stat(s.key("secret-link"), {}), "ObjectNotExist");
    expect(await readFile(join(s.outside, "secret.txt"), "utf8")).toBe("outside data");
  });

  it("lists symlinks as links, inward or outward, never walked into; reads follow inward ones", async () => {
    await symlink(s.outside, join(s.root, "escape"));
    await s.driver.write(s.key("real/file.txt"), buf("inside"), {});
    await symlink(join(s.root, "real"), join(s.root, "alias"));
    for (const delimiter of ["/", undefined] as const) {
      const items = (await s.driver.listPage({ prefix: s.key(""), limit: 10, ...(delimiter ? { delimiter } : {}) }, {})).items;
      expect(items.map((o) => [o.key, o.mode, o.linkTarget, o.size])).toEqual([
        [s.key("alias"), "link", join(s.root, "real"), undefined],
        [s.key("escape"), "link", s.outside, undefined],
        delimiter ? [s.key("real/"), "dir", undefined, undefined] : [s.key("real/file.txt"), "file", undefined, 6],
      ]);
    }
    expect((await drain((await s.driver.read(s.key("alias/file.txt"), {}, {})).stream)).toString()).toBe("inside");
  });

  it("works when the work_dir itself is reached through a symlink", async () => {
    await symlink(s.root, join(s.tmp, "store-link"));
    const linked = new FsStorageDriver(join(s.tmp, "store-link") + "/");
    const key = s.tmp.slice(1) + "/store-link/via-link";
    await linked.write(key, buf("ok"), {});
    expect(await readFile(join(s.root, "via-link"), "utf8")).toBe("ok");
  });

  it("creates a missing work_dir on first write", async () => {
    const fresh = new FsStorageDriver(join(s.tmp, "not/yet") + "/");
    await expectCode(fresh.stat(s.tmp.slice(1) + "/not/yet/f", {}), "ObjectNotExist");
    expect((await fresh.listPage({ prefix: s.tmp.slice(1) + "/not/yet/", delimiter: "/", limit: 5 }, {})).items).toEqual([]);
    await fresh.write(s.tmp.slice(1) + "/not/yet/f", buf("x"), {});
    expect(await readFile(join(s.tmp, "not/yet/f"), "utf8")).toBe("x");
  });

  it("reserves the driver's own names (staging directory, temp files)", async () => {
    await expectCode(s.driver.write(s.key(".stowage-multipart/x"), buf("x"), {}), "InvalidArgument");
    await expectCode(s.driver.write(s.key("a/.stowage-tmp-0123456789abcdef01234567"), buf("x"), {}), "InvalidArgument");
  });
});

describe("fs driver: atomic writes", () => {
  it("leaves no partial object and no temp file when a write aborts mid-stream", async () => {
    await s.driver.write(s.key("obj"), buf("previous"), {});
    const body = new PassThrough();
    const controller = new AbortController();
    const pending = s.driver.write(s.key("obj"), { data: body, size: 1000 }, { signal: controller.signal });
    body.write(Buffer.alloc(300, 1));
    await waitFor(async () => (await tree(s.root)).some((n) => n.startsWith(".stowage-tmp-")) && body.readableLength === 0);
    controller.abort();
    await expectCode(pending, "Aborted");
    expect(await readFile(join(s.root, "obj"), "utf8")).toBe("previous");
    expect(await tree(s.root)).toEqual(["obj"]);
  });

  it("leaves nothing when a new file's body fails", async () => {
    const body = new PassThrough();
    const pending = s.driver.write(s.key("new/obj"), { data: body, size: 10 }, {});
    body.write("abc");
    await waitFor(() => body.listenerCount("error") > 0 && body.readableLength === 0);
    body.destroy(new Error("source broke"));
    await expect(pending).rejects.toThrow();
    expect(await tree(s.root)).toEqual(["new"]);
  });

  it("refuses an already aborted signal before touching anything", async () => {
    const controller = new AbortController();
    controller.abort();
    await expectCode(s.driver.write(s.key("x/y"), buf("x"), { signal: controller.signal }), "Aborted");
    expect(await tree(s.root)).toEqual([]);
  });
});
