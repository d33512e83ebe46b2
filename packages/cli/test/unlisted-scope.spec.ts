/**
 * Which left-out entries a command counts (exit 10): those of its own listings only. Not those of
 * the probe that asks whether a bucket exists (`ls -r --start-after` past every key, at a root whose
 * first key no path addresses, left nothing out), and not those of another command running in the
 * same process at the same time (`main()` twice at once). And the summary of an uploads listing
 * speaks of uploads, to abort. Run in a child process: listings report left-out entries with a
 * process warning, which jest's sandbox does not deliver.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { useWorkspace } from "./workspace.js";

const dist = (pkg: string): string => new URL(`../../${pkg}/dist/index.js`, import.meta.url).href;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Memory stores holding keys no path addresses (written by the driver, below core's path rules), then the commands. */
const SCRIPT = `
const { getService, newStorager, resolveOpenConfig } = await import(${JSON.stringify(dist("core"))});
await import(${JSON.stringify(dist("memory"))});
const { main } = await import(${JSON.stringify(dist("cli"))});
const work = process.env.WORK;
const driverOf = (conn) => {
  const definition = getService("memory");
  const resolved = resolveOpenConfig(definition, conn, "storager");
  return definition.newStorageDriver(resolved.config, resolved.defaults);
};
const one = { data: Buffer.from("x"), size: 1 };
const probe = driverOf("memory://probe/");
await probe.write("!a\\\\b", one, {});
await probe.write("m/ok", one, {});
const bad = driverOf("memory://keys-bad/");
await bad.write("a\\\\b", one, {});
await newStorager("memory://keys-good/").write("x", "x");
const ups = driverOf("memory://ups/");
await ups.createMultipart("u\\\\k", {});
await ups.createMultipart("u\\\\k", {});
await ups.createMultipart("ok", {});
const opts = { env: { HOME: work }, cwd: work };
const out = {
  startAfterAll: await main(["ls", "-r", "--start-after", "zzz", "memory://probe/"], opts),
  startAfterLast: await main(["ls", "-r", "--start-after", "m/ok", "memory://probe/"], opts),
  whole: await main(["ls", "-r", "memory://probe/"], opts),
  concurrent: await Promise.all([
    main(["ls", "fs://" + work + "/bad/"], opts),
    main(["ls", "fs://" + work + "/good/"], opts),
    main(["ls", "memory://keys-bad/"], opts),
    main(["ls", "memory://keys-good/"], opts),
  ]),
  uploads: await main(["uploads", "memory://ups/"], opts),
};
process.stdout.write(JSON.stringify(out));
`;

const ws = useWorkspace();
let out: { startAfterAll: Result; startAfterLast: Result; whole: Result; concurrent: Result[]; uploads: Result };

beforeAll(async () => {
  mkdirSync(join(ws.work, "bad"));
  mkdirSync(join(ws.work, "good"));
  writeFileSync(join(ws.work, "bad", "a\\b"), "x");
  writeFileSync(join(ws.work, "good", "x"), "x");
  const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", SCRIPT], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, WORK: ws.work },
    stdio: ["ignore", "pipe", "pipe"],
  });
  out = JSON.parse(stdout) as typeof out;
});

describe("left-out entries a command counts", () => {
  it("not those of the bucket probe: ls -r --start-after past every key lists nothing and exits 0", () => {
    expect(out.startAfterAll).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(out.startAfterLast).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("those of its own listing: ls -r of the whole bucket warns and exits 10, its summary naming every reason", () => {
    expect(out.whole.code).toBe(10);
    expect(out.whole.stdout).toBe("m/ok\n");
    expect(out.whole.stderr).toContain('"!a\\\\b" (backslash)');
    expect(out.whole.stderr).toContain('objects were left out: 1 listing holds keys no path can address (written by another client with a backslash, an empty, "." or ".." segment, NUL, or a lone surrogate');
  });

  it("not those of another command running at the same time in the process (main() twice at once)", () => {
    const [fsBad, fsGood, keysBad, keysGood] = out.concurrent as [Result, Result, Result, Result];
    expect(fsGood).toEqual({ code: 0, stdout: "x\n", stderr: "" });
    expect(keysGood).toEqual({ code: 0, stdout: "x\n", stderr: "" });
    expect(fsBad.code).toBe(10);
    expect(fsBad.stderr).toContain("local entries were left out: 1 directory");
    expect(fsBad.stderr).not.toContain("objects were left out");
    expect(keysBad.code).toBe(10);
    expect(keysBad.stderr).toContain('"a\\\\b" (backslash)');
    expect(keysBad.stderr).not.toContain("local entries were left out");
  });

  it("an uploads listing's are uploads, to abort with the client that started them", () => {
    const r = out.uploads;
    expect(r.code).toBe(10);
    expect(r.stdout).toContain("ok");
    expect(r.stderr).toContain("2 uploads in the memory listing");
    expect(r.stderr).toContain("abort them with the client that started them");
    expect(r.stderr).toContain("uploads were left out: 1 listing holds multipart uploads whose keys no path can address");
    expect(r.stderr).toContain("abort them with that client");
    expect(r.stderr).not.toContain("objects were left out");
    expect(r.stderr).not.toContain("rename");
  });
});
