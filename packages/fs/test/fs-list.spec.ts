import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { DriverListRequest } from "@stowage/core";
import { buf } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

async function seed(paths: string[]): Promise<void> {
  for (const p of paths) {
    if (p.endsWith("/")) await s.driver.createDir(s.key(p), {});
    else await s.driver.write(s.key(p), buf(p), {});
  }
}

/** Every item as a relative path (dirs marked), page by page (bounded). */
async function all(request: Omit<DriverListRequest, "token">): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await s.driver.listPage(token === undefined ? request : { ...request, token }, {});
    expect(page.items.length).toBeLessThanOrEqual(request.limit);
    out.push(...page.items.map((o) => o.key.slice(s.key("").length) + (o.mode === "dir" ? "(dir)" : "")));
    token = page.nextToken;
    if (token === undefined) break;
  }
  return out;
}

describe("fs driver: listing", () => {
  const files = ["a.txt", "b/c.txt", "b/d/e.txt", "b.txt", "bc.txt", "empty/", "z"];

  it("lists one level: files and sub-dirs, sorted by key, at every page size", async () => {
    await seed(files);
    for (const limit of [1, 2, 100]) {
      expect(await all({ prefix: s.key(""), delimiter: "/", limit })).toEqual(["a.txt", "b.txt", "b/(dir)", "bc.txt", "empty/(dir)", "z"]);
    }
  });

  it("walks every file under a raw prefix in key order, without dirs", async () => {
    await seed(files);
    for (const limit of [1, 3, 100]) {
      expect(await all({ prefix: s.key(""), limit })).toEqual(["a.txt", "b.txt", "b/c.txt", "b/d/e.txt", "bc.txt", "z"]);
    }
    expect(await all({ prefix: s.key("b"), limit: 2 })).toEqual(["b.txt", "b/c.txt", "b/d/e.txt", "bc.txt"]);
    expect(await all({ prefix: s.key("b/"), delimiter: "/", limit: 5 })).toEqual(["b/c.txt", "b/d/(dir)"]);
  });

  it("lists a missing dir as empty", async () => {
    expect(await all({ prefix: s.key("missing/"), delimiter: "/", limit: 5 })).toEqual([]);
    expect(await all({ prefix: s.key("missing/"), limit: 5 })).toEqual([]);
  });

  it("never shows the driver's own entries (temp files, multipart staging)", async () => {
    await seed(["f"]);
    const { multipartId } = await s.driver.createMultipart(s.key("up"), {});
    await s.driver.writePart(s.key("up"), multipartId, 0, buf("part"), {});
    await mkdir(join(s.root, "sub"));
    await writeFile(join(s.root, "sub/.stowage-tmp-0123456789abcdef01234567"), "x");
    expect(await all({ prefix: s.key(""), delimiter: "/", limit: 10 })).toEqual(["f", "sub/(dir)"]);
    expect(await all({ prefix: s.key(""), limit: 10 })).toEqual(["f"]);
    expect(await all({ prefix: s.key(".stowage"), limit: 10 })).toEqual([]);
  });

  it("carries size, etag and lastModified", async () => {
    await seed(["f"]);
    const [item] = (await s.driver.listPage({ prefix: s.key(""), delimiter: "/", limit: 1 }, {})).items;
    expect(item).toMatchObject({ mode: "file", size: 1 });
    expect(item!.etag).toMatch(/^"[0-9a-f]+-1-[0-9a-f]+"$/);
    expect(item!.lastModified).toBeInstanceOf(Date);
  });

  it("pages a big directory without repeats", async () => {
    const names = Array.from({ length: 120 }, (_, i) => `n${String(i).padStart(3, "0")}`);
    await Promise.all(names.map((n) => writeFile(join(s.root, n), "")));
    expect(await all({ prefix: s.key(""), delimiter: "/", limit: 25 })).toEqual(names);
    expect(await all({ prefix: s.key("n1"), limit: 7 })).toEqual(names.filter((n) => n.startsWith("n1")));
  });
});
