// A child process of fs-search-only.spec.ts: runs calls through a storager in directories this
// process may enter but not read, and sends their outcomes to its parent over the IPC channel. The
// parent runs it as another user (uid 65534) when the test runs as root, who reads any directory.
// Runs on the sources through register-ts.mjs. Arguments: the store's work_dir, and a work_dir
// that is itself search-only.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import "../../src/index.js";

/** What one call came to: its value when it succeeded, else the error's code and message. */
interface Outcome {
  label: string;
  ok: boolean;
  value?: unknown;
  code?: string;
  message?: string;
}

const [workDir, searchOnlyWorkDir] = process.argv.slice(2);
if (workDir === undefined || searchOnlyWorkDir === undefined) throw new Error("usage: search-only <work_dir> <search-only work_dir>");
const outcomes: Outcome[] = [];

async function t(label: string, fn: () => unknown): Promise<void> {
  try {
    outcomes.push({ label, ok: true, value: await fn() });
  } catch (e) {
    const error = e as { code?: string; message?: string };
    outcomes.push({ label, ok: false, code: String(error.code), message: String(error.message) });
  }
}

const text = async (store: ReturnType<typeof newStorager>, path: string): Promise<string> => (await store.read(path)).toString();
const paths = async (iterable: AsyncIterable<{ path: string }>): Promise<string[]> => {
  const out: string[] = [];
  for await (const o of iterable) out.push(o.path);
  return out;
};

// What the test is about: this process really cannot read these directories.
await t("readdir dropbox", () => readdirSync(join(workDir, "dropbox")));
await t("readdir xonly", () => readdirSync(join(workDir, "xonly")));
await t("readdir the search-only work_dir", () => readdirSync(searchOnlyWorkDir));

// fsync on (the default): the directory cannot be opened to fsync it, the file is fsynced instead.
const store = newStorager(`fs://${workDir}/`);
await t("write dropbox/new", async () => (await store.write("dropbox/new", "new")).size);
await t("read dropbox/new", () => text(store, "dropbox/new"));
await t("stat dropbox/old", async () => (await store.stat("dropbox/old")).size);
await t("copy dropbox/old to dropbox/copy", () => store.copy("dropbox/old", "dropbox/copy"));
await t("move dropbox/copy to dropbox/moved", () => store.move("dropbox/copy", "dropbox/moved"));
await t("read dropbox/moved", () => text(store, "dropbox/moved"));
await t("createDir dropbox/sub/", async () => (await store.createDir("dropbox/sub/")).mode);
await t("write dropbox/sub/deep", async () => (await store.write("dropbox/sub/deep", "deep")).size);
await t("createAppend and writeAppend dropbox/log", async () => (await store.writeAppend(await store.createAppend("dropbox/log"), "line")).appendOffset);
await t("stat dropbox/log", async () => (await store.stat("dropbox/log")).size);
// Another user's file (the parent's, when it runs as root): its mode is kept, its owner cannot be (EPERM), so the file becomes this process's.
await t("write dropbox/theirs", async () => (await store.write("dropbox/theirs", "mine now")).size);
await t("delete dropbox/old", () => store.delete("dropbox/old"));
await t("stat dropbox/old after delete", () => store.stat("dropbox/old"));
await t("list dropbox/", () => paths(store.list("dropbox/")));
await t("list the work_dir by prefix", () => paths(store.list("", { mode: "prefix" })));
await t("stat xonly/g", async () => (await store.stat("xonly/g")).size);
await t("read xonly/g", () => text(store, "xonly/g"));
await t("write xonly/sub/h", async () => (await store.write("xonly/sub/h", "h")).size);
await t("list xonly/sub/", () => paths(store.list("xonly/sub/")));
await t("stat xonly/esc/secret", () => store.stat("xonly/esc/secret"));
await t("write xonly/esc/planted", () => store.write("xonly/esc/planted", "x"));
await t("write dropbox/esc-file", async () => (await store.write("dropbox/esc-file", "replaced")).size);

const searchOnly = newStorager(`fs://${searchOnlyWorkDir}/`);
await t("search-only work_dir: stat f", async () => (await searchOnly.stat("f")).size);
await t("search-only work_dir: read f", () => text(searchOnly, "f"));
await t("search-only work_dir: write d/n", async () => (await searchOnly.write("d/n", "n")).size);
await t("search-only work_dir: list d/", () => paths(searchOnly.list("d/")));

process.send!(outcomes, () => process.exit(0));
