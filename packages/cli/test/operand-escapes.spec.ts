/**
 * Operands in status lines and error messages (review-cli L1): a path the user typed with a newline
 * or an escape sequence in it is printed escaped as listings print keys (`\n`, `\x1b`), one line:
 * it was printed raw in status lines (a newline split the line) and folded into a space in error
 * messages (`a<LF>b` read as `a b`).
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { registerBundledDrivers } from "../src/drivers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);
let dir: string;

/** Any character that must never reach the terminal raw (the line ends aside). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

beforeAll(async () => {
  registerBundledDrivers();
  dir = join(ws.work, "esc");
  await mkdir(join(dir, "tree\nx"), { recursive: true });
  await writeFile(join(dir, "new\nline.txt"), "1");
  await writeFile(join(dir, "esc\x1b[31m.txt"), "2");
  await writeFile(join(dir, "tree\nx", "a.txt"), "3");
});

/** A run in the test's directory. */
const inDir = (argv: string[], stdin?: string): ReturnType<typeof cli> => cli(argv, { cwd: dir, ...(stdin === undefined ? {} : { stdin }) });

/** The lines of `text`, which must hold no raw control character. */
function lines(text: string): string[] {
  expect(text).not.toMatch(RAW_CONTROL);
  return text.split("\n").filter((l) => l !== "");
}

describe("operands are escaped in status lines and errors", () => {
  it("rm: the deleted line, and the error for what is gone", async () => {
    const rm = await inDir(["rm", "new\nline.txt", "esc\x1b[31m.txt"]);
    expect([rm.code, lines(rm.stderr)]).toEqual([0, ["rm: deleted new\\nline.txt", "rm: deleted esc\\x1b[31m.txt"]]);
    const again = await inDir(["rm", "new\nline.txt"]);
    expect(again.code).toBe(3);
    expect(lines(again.stderr)).toEqual([expect.stringMatching(/^stowage: ObjectNotExist: new\\nline\.txt does not exist \(/)]);
  });

  it("errors of ls, stat, cat, du, cp and uploads name the missing operand escaped", async () => {
    const gone = "gone\nx";
    for (const argv of [["ls", gone], ["du", gone], ["cp", "-r", gone, "memory://esc/"], ["uploads", gone]]) {
      const r = await inDir(argv);
      expect([argv, r.code]).toEqual([argv, 3]);
      expect([argv, lines(r.stderr)]).toEqual([argv, [expect.stringContaining("gone\\nx does not exist")]]);
    }
    // stat and cat say it as get does (review-cli-ux L4), the storage's answer after it, which quotes the path.
    for (const command of ["stat", "cat"]) {
      const r = await inDir([command, gone]);
      expect([command, r.code, lines(r.stderr)]).toEqual([command, 3, [expect.stringMatching(/^stowage: ObjectNotExist: gone\\nx does not exist: .*path="gone\\nx"/)]]);
    }
    const cp = await inDir(["cp", gone, "memory://esc/"]);
    expect([cp.code, lines(cp.stderr)]).toEqual([3, [expect.stringContaining("gone\\nx does not exist")]]);
  });

  it("mkdir, ln and put name what they made escaped", async () => {
    const made = await inDir(["mkdir", "made\nd"]);
    expect([made.code, lines(made.stderr)]).toEqual([0, ["mkdir: made made\\nd"]]);
    const ln = await inDir(["ln", "t\nx", "l\ny"]);
    expect([ln.code, lines(ln.stderr)]).toEqual([0, [`ln: l\\ny -> ${dir}/t\\nx`]]);
    const put = await inDir(["put", "-", "p\nq.txt"], "ab");
    expect([put.code, lines(put.stderr)]).toEqual([0, [expect.stringMatching(/^put: stored 2 B at .*\/esc\/p\\nq\.txt \(crc64 \d+\)$/)]]);
  });

  it("du's total row and rm -r's question and summary", async () => {
    const du = await inDir(["du", "tree\nx/"]);
    expect(du.code).toBe(0);
    expect(lines(du.stdout).at(-1)).toMatch(/ tree\\nx\/$/);
    const refused = await inDir(["rm", "-r", "tree\nx/"]);
    expect([refused.code, lines(refused.stderr)]).toEqual([2, [expect.stringContaining("under tree\\nx/: refusing without --yes")]]);
    const rm = await inDir(["rm", "-r", "--yes", "tree\nx/"]);
    expect([rm.code, lines(rm.stderr)]).toEqual([0, ["rm: deleted 1 object (1 B)"]]);
  });
});
