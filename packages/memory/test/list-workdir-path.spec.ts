import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "../src/index.js";

describe("list of the work_dir's own absolute path", () => {
  it("lists the work_dir in prefix and dir mode, with or without its trailing /", async () => {
    const store = newStorager("memory://list-workdir-path/wd/");
    await store.write("a", "1");
    await store.write("d/b", "2");
    const paths = async (path: string, mode: "prefix" | "dir"): Promise<string[]> => {
      const out: string[] = [];
      for await (const o of store.list(path, { mode })) out.push(o.path);
      return out;
    };
    for (const path of ["/wd", "/wd/", ""]) {
      expect(await paths(path, "prefix")).toEqual(["a", "d/b"]);
      expect(await paths(path, "dir")).toEqual(["a", "d/"]);
    }
  });
});
