/**
 * The findings of review-cli-ux, fixed: `--include`/`--exclude` apply to the single-object operands
 * of rm, cp and mv (H1); a `--checkpoint` that is a directory is refused before anything is copied
 * (M1); `--metadata` and `--content-type` are checked as the command line is read (M2); presign
 * names its own flags, and checks the shape of `--parts` (M3); `verify --links --no-links` is
 * refused (L7); verify counts one object in the singular (L6). In process, on fs and memory.
 */
import { describe, expect, it } from "@jest/globals";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exists, readTree, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const run = inProcess(ws);

describe("--include and --exclude without -r (H1)", () => {
  it("rm --exclude keep.txt d/*: every file goes but keep.txt, which is said (fs)", async () => {
    await writeTree(ws.work, { "d/keep.txt": "1", "d/junk.log": "2", "d/junk2.log": "3" });
    const r = await run(["rm", "--exclude", "keep.txt", "./d/junk.log", "./d/junk2.log", "./d/keep.txt"]);
    expect([r.code, r.stdout]).toEqual([0, ""]);
    expect(r.stderr).toBe("rm: deleted ./d/junk.log\nrm: deleted ./d/junk2.log\nrm: deleted 0 objects (./d/keep.txt does not match the filters)\n");
    expect(await readTree(join(ws.work, "d"))).toEqual({ "keep.txt": "1" });
    // A dry run names only what it would delete; --include works the same way.
    await writeTree(ws.work, { "e/a.txt": "a", "e/b.jpg": "b" });
    const dry = await run(["rm", "-n", "--exclude", "*.txt", "e/a.txt", "e/b.jpg"]);
    expect([dry.code, dry.stdout]).toEqual([0, "would delete e/b.jpg\n"]);
    expect(dry.stderr).toBe("rm: deleted 0 objects (e/a.txt does not match the filters)\n");
    const inc = await run(["rm", "--include", "*.jpg", "e/a.txt", "e/b.jpg"]);
    expect(inc.code).toBe(0);
    expect(await readTree(join(ws.work, "e"))).toEqual({ "a.txt": "a" });
    // A missing operand is still missing, excluded or not.
    expect((await run(["rm", "--exclude", "*.txt", "e/none.txt"])).code).toBe(3);
  });

  it("rm --exclude on a memory store keeps the excluded object", async () => {
    for (const [key, body] of [["a.txt", "a"], ["b.log", "b"]]) expect((await run(["put", "-", `memory://ux-rm/${key}`], body)).code).toBe(0);
    const r = await run(["rm", "--exclude", "*.txt", "memory://ux-rm/a.txt", "memory://ux-rm/b.log"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("(memory://ux-rm/a.txt does not match the filters)");
    expect((await run(["cat", "memory://ux-rm/a.txt"])).stdout).toBe("a");
    expect((await run(["cat", "memory://ux-rm/b.log"])).code).toBe(3);
  });

  it("mv --exclude of the excluded object moves nothing (fs and memory)", async () => {
    await writeTree(ws.work, { "d3/keep.txt": "k" });
    const r = await run(["mv", "--exclude", "keep.txt", "./d3/keep.txt", "./moved.txt"]);
    expect([r.code, r.stderr]).toEqual([0, "mv: moved 0 objects (./d3/keep.txt does not match the filters)\n"]);
    expect(await readTree(join(ws.work, "d3"))).toEqual({ "keep.txt": "k" });
    expect(await exists(join(ws.work, "moved.txt"))).toBe(false);
    expect((await run(["put", "-", "memory://ux-mv/k.txt"], "m")).code).toBe(0);
    const m = await run(["mv", "--include", "*.jpg", "memory://ux-mv/k.txt", "memory://ux-mv/moved.txt"]);
    expect([m.code, m.stderr]).toEqual([0, "mv: moved 0 objects (memory://ux-mv/k.txt does not match the filters)\n"]);
    expect((await run(["cat", "memory://ux-mv/k.txt"])).stdout).toBe("m");
    expect((await run(["cat", "memory://ux-mv/moved.txt"])).code).toBe(3);
    // An object the filters let through is moved.
    expect((await run(["mv", "--include", "*.txt", "memory://ux-mv/k.txt", "memory://ux-mv/moved.txt"])).code).toBe(0);
    expect((await run(["cat", "memory://ux-mv/moved.txt"])).stdout).toBe("m");
  });

  it("cp --include of an object it leaves out copies nothing over the destination; --stats-json still prints its summary", async () => {
    await writeTree(ws.work, { "src/a.txt": "new", "dst.txt": "old" });
    const r = await run(["cp", "--include", "*.jpg", "src/a.txt", "dst.txt"]);
    expect([r.code, r.stderr]).toEqual([0, "cp: copied 0 objects (src/a.txt does not match the filters)\n"]);
    expect(await readTree(ws.work)).toMatchObject({ "dst.txt": "old" });
    const m = await run(["cp", "--exclude", "a.txt", "--stats-json", "src/a.txt", "memory://ux-cp/a.txt"]);
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ command: "cp", objects: { planned: 0, copied: 0 } });
    expect((await run(["cat", "memory://ux-cp/a.txt"])).code).toBe(3);
    // A missing source is said as before.
    expect((await run(["cp", "--exclude", "*.txt", "src/none.txt", "memory://ux-cp/none.txt"])).code).toBe(3);
  });
});

describe("--include and --exclude holding / without -r (review-session8 H1)", () => {
  it("are refused before anything is done: the glob matches names, never paths; a leading **/ is a name glob", async () => {
    await writeTree(ws.work, { "p/keep.txt": "1", "p/a.txt": "2" });
    for (const [args, flag, glob, hint] of [
      [["rm", "--exclude", "p/keep.txt", "p/keep.txt", "p/a.txt"], "--exclude", "p/keep.txt", " (write --exclude 'keep.txt')"],
      [["cp", "--include", "p/*.txt", "p/a.txt", "copy.txt"], "--include", "p/*.txt", " (write --include '*.txt')"],
      [["mv", "--exclude", "x/**", "p/a.txt", "moved.txt"], "--exclude", "x/**", ""],
    ] as const) {
      const r = await run([...args]);
      expect([r.code, r.stdout, r.stderr]).toEqual([2, "", `stowage: ${args[0]}: ${flag} '${glob}' holds a /: without -r a glob matches each operand's name, never a path${hint}; nothing was done\n`]);
    }
    expect(await readTree(join(ws.work, "p"))).toEqual({ "keep.txt": "1", "a.txt": "2" });
    const braces = await run(["rm", "--exclude", "{a,b}/keep.txt", "p/keep.txt"]);
    expect(braces.stderr).toBe("stowage: rm: --exclude '{a,b}/keep.txt' holds a /: without -r a glob matches each operand's name, never a path; nothing was done\n");
    const named = await run(["rm", "--include", "**/*.txt", "--exclude", "./keep.txt", "p/keep.txt", "p/a.txt"]);
    expect(named.code).toBe(0);
    expect(await readTree(join(ws.work, "p"))).toEqual({ "keep.txt": "1" });
  });
});

describe("--checkpoint naming a directory (M1)", () => {
  it("is refused before anything is copied, exit 2, in one line naming the flag; a dry run too", async () => {
    await writeTree(ws.work, { "src/a.txt": "a" });
    const ckdir = join(ws.work, "ckdir");
    await mkdir(ckdir);
    for (const argv of [
      ["cp", "--checkpoint", ckdir, "src/a.txt", "memory://ux-ck/a.txt"],
      ["cp", "-n", "--checkpoint", ckdir, "src/a.txt", "memory://ux-ck/a.txt"],
      ["cp", "-r", "--checkpoint", ckdir, "src/", "memory://ux-ck/t/"],
    ]) {
      const r = await run(argv);
      expect([argv, r.code, r.stdout, r.stderr]).toEqual([
        argv,
        2,
        "",
        `stowage: cp: --checkpoint ${ckdir} is a directory: refused, nothing was transferred; name a file (a new one, or this transfer's checkpoint)\n`,
      ]);
    }
    expect((await run(["ls", "-r", "memory://ux-ck/"])).stdout).toBe("");
    // The directory is left as it was, and no lock beside it.
    expect(await readdir(join(ws.work, "ckdir"))).toEqual([]);
    expect(await exists(join(ws.work, "ckdir.lock"))).toBe(false);
  });
});

describe("--metadata and --content-type checked as the command line is read (M2)", () => {
  it("a key given twice, a key that is no token, a control character: exit 2, one line naming --metadata, nothing copied", async () => {
    await writeTree(ws.work, { "site/a.html": "a", "site/b.css": "b" });
    const cases: Array<[string[], string]> = [
      [["--metadata", "a=1", "--metadata", "A=2"], 'stowage: --metadata: key "A" is given twice (keys are case-insensitive: "a" came first)\n'],
      [["--metadata", "bad key=1"], "stowage: --metadata: key \"bad key\" must be an HTTP token (letters, digits, !#$%&'*+.^_`|~-)\n"],
      [["--metadata", "k=v\u0001"], 'stowage: --metadata: the value of "k" must be printable ASCII (encode it first)\n'],
    ];
    for (const [flags, line] of cases) {
      const r = await run(["cp", "-r", ...flags, "site/", "memory://ux-meta/"]);
      expect([flags, r.code, r.stderr]).toEqual([flags, 2, line]);
    }
    expect((await run(["ls", "-r", "memory://ux-meta/"])).stdout).toBe("");
    // Distinct keys pass.
    expect((await run(["cp", "-r", "--metadata", "a=1", "--metadata", "b=2", "site/", "memory://ux-meta/"])).code).toBe(0);
  });

  it("a --content-type with a control character, or empty: exit 2 naming --content-type (the empty one points to --no-guess-content-type)", async () => {
    await writeTree(ws.work, { "site/a.html": "a" });
    const crlf = await run(["cp", "-r", "--content-type", "text/html\r\nX: y", "site/", "memory://ux-ct/"]);
    expect(crlf.code).toBe(2);
    expect(crlf.stderr).toContain("option '--content-type <type>' argument");
    expect(crlf.stderr).toContain("Content-Type must be printable ASCII");
    const empty = await run(["put", "--content-type", "", "site/a.html", "memory://ux-ct/a.html"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("option '--content-type <type>' argument '' is invalid. Content-Type must not be empty");
    expect(empty.stderr).toContain("--no-guess-content-type");
    expect((await run(["ls", "-r", "memory://ux-ct/"])).stdout).toBe("");
  });
});

describe("presign names its flags (M3)", () => {
  it("a flag --method needs and was not given, or one it does not take: exit 2, named as typed", async () => {
    const cases: Array<[string[], string]> = [
      [["--method", "writeMultipart", "--index", "0", "--size", "8M"], "presign --method writeMultipart needs --multipart-id and --index (--multipart-id not given)"],
      [["--method", "writeMultipart", "--multipart-id", "abc"], "presign --method writeMultipart needs --multipart-id and --index (--index not given)"],
      [["--method", "completeMultipart", "--multipart-id", "abc"], "presign --method completeMultipart needs --multipart-id and --parts (--parts not given)"],
      [["--method", "listMultipart"], "presign --method listMultipart needs --multipart-id (--multipart-id not given)"],
      [["--method", "read", "--index", "3"], "presign --method read does not take --index (only --method writeMultipart)"],
      [["--method", "delete", "--size", "3"], "presign --method delete does not take --size (only --method read, write, writeMultipart)"],
    ];
    for (const [flags, text] of cases) {
      const r = await run(["presign", ...flags, "memory://ux-presign/big.bin"]);
      expect([flags, r.code, r.stdout, r.stderr]).toEqual([flags, 2, "", `stowage: ${text}; nothing was signed\n`]);
    }
  });

  it("a --parts file that is JSON of the wrong shape: exit 2, as one that is not JSON", async () => {
    const cases: Array<[string, string]> = [
      ['{"a":1}', "not an array"],
      ["[]", "an empty array (a completed upload has at least one part)"],
      ['[{"index":0,"size":1}]', 'part #0 (in the order given) has no non-empty "etag" string'],
      ['[{"index":0,"size":1,"etag":"e"},{"index":-1,"size":1,"etag":"e"}]', 'part #1 (in the order given) has no whole "index" of 0 or more'],
    ];
    for (const [json, why] of cases) {
      await writeFile(join(ws.work, "parts.json"), json);
      const r = await run(["presign", "--method", "completeMultipart", "--multipart-id", "x", "--parts", "parts.json", "memory://ux-presign/big.bin"]);
      expect([json, r.code, r.stderr]).toEqual([json, 2, `stowage: --parts: parts.json is JSON, but ${why} (want [{"index":0,"size":8388608,"etag":"..."}, ...])\n`]);
    }
    const stdin = await run(["presign", "--method", "completeMultipart", "--multipart-id", "x", "--parts", "-", "memory://ux-presign/big.bin"], '{"parts":[]}');
    expect([stdin.code, stdin.stderr]).toEqual([2, 'stowage: --parts: stdin is JSON, but not an array (want [{"index":0,"size":8388608,"etag":"..."}, ...])\n']);
  });
});

describe("verify --links with --no-links (L7)", () => {
  it("is refused in either order, as sync --checksum --size-only is; one of them alone works", async () => {
    await writeTree(ws.work, { "a/x.txt": "x", "b/x.txt": "x" });
    for (const flags of [["--links", "--no-links"], ["--no-links", "--links"]]) {
      const r = await run(["verify", ...flags, "a/", "b/"]);
      expect([flags, r.code, r.stdout, r.stderr]).toEqual([flags, 2, "", "stowage: --links and --no-links exclude each other\n"]);
    }
    expect((await run(["verify", "--no-links", "a/", "b/"])).code).toBe(0);
    expect((await run(["verify", "--links", "--links", "a/", "b/"])).code).toBe(0);
  });
});

describe("verify's summary in the singular (L6)", () => {
  it("1 of 1 object matches; 0 of 1 object match", async () => {
    await writeTree(ws.work, { "one/x.txt": "x", "same/x.txt": "x", "other/x.txt": "y" });
    expect((await run(["verify", "one/", "same/"])).stderr).toBe("verify: 1 of 1 object matches (1 by reread)\n");
    const differs = await run(["verify", "one/", "other/"]);
    expect([differs.code, differs.stderr]).toEqual([13, "verify: 0 of 1 object match, 1 missing or different\n"]);
  });
});
