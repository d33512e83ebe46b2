/**
 * A profiles file holds connection strings, credentials among them (security review L5). It was
 * used whatever its mode, without a word. On POSIX, a file its group or others may read or write
 * (mode & 0o077) is now read all the same (as before), with one warning on stderr per command, as
 * ssh warns of a private key others can read; a 0600 file gets none. Windows has no such modes.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager } from "@stowage/core";
import { loadProfiles, main } from "../src/index.js";
import { cleanEnv, removeDir, tempDir } from "./helpers.js";

const POSIX = process.platform !== "win32";

let work: string;
let env: NodeJS.ProcessEnv;
let file: string;
beforeEach(async () => {
  work = await tempDir();
  env = cleanEnv(join(work, "home"));
  file = join(work, "profiles.json");
  await writeFile(file, JSON.stringify({ profiles: { src: "memory://pm-src/", dst: "memory://pm-dst/", remote: "cos://b-1250000000/?credential=hmac:AKID:SKMARK&location=ap-guangzhou" } }));
  await newStorager("memory://pm-src/").write("a.txt", "a");
});
afterEach(async () => {
  await removeDir(work);
});

const warning = (mode: string): string =>
  `stowage: warning: the profiles file ${file} can be read or written by others (mode ${mode}), and its connection strings may hold credentials: chmod 600 ${file}\n`;

describe("a profiles file others may read", () => {
  it("is used, with one warning per command however many profiles it names (0644, 0660, 0604)", async () => {
    for (const [mode, shown] of [
      [0o644, "0644"],
      [0o660, "0660"],
      [0o604, "0604"],
    ] as const) {
      await chmod(file, mode);
      const r = await main(["--quiet", "--config", file, "cp", "src:a.txt", "dst:a.txt"], { env, cwd: work });
      expect([shown, r.code]).toEqual([shown, 0]);
      expect(r.stderr.split("\n").filter((l) => l.includes("profiles file"))).toHaveLength(POSIX ? 1 : 0);
      if (POSIX) expect(r.stderr).toContain(warning(shown));
      expect(r.stderr).not.toContain("SKMARK");
    }
  });

  it("is warned of by `stowage profiles`, which still lists it; and the default file too", async () => {
    await chmod(file, 0o644);
    const r = await main(["--config", file, "profiles"], { env, cwd: work });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("remote\tcos://b-1250000000/?credential=hmac:***");
    expect(r.stdout).not.toContain("SKMARK");
    expect(r.stderr).toBe(POSIX ? warning("0644") : "");
    const config = join(work, "home", ".config", "stowage");
    await mkdir(config, { recursive: true });
    const defaultFile = join(config, "profiles.json");
    await writeFile(defaultFile, JSON.stringify({ profiles: { here: "memory://pm-src/" } }), { mode: 0o666 });
    await chmod(defaultFile, 0o666);
    const ls = await main(["ls", "here:"], { env, cwd: work });
    expect(ls.code).toBe(0);
    expect(ls.stderr).toBe(POSIX ? `stowage: warning: the profiles file ${defaultFile} can be read or written by others (mode 0666), and its connection strings may hold credentials: chmod 600 ${defaultFile}\n` : "");
  });

  it("of mode 0600 or 0400 gets no warning; a command naming no profile does not read it", async () => {
    for (const mode of [0o600, 0o400]) {
      await chmod(file, mode);
      const r = await main(["--quiet", "--config", file, "cp", "src:a.txt", "dst:b.txt"], { env, cwd: work });
      expect([mode, r.code, r.stderr]).toEqual([mode, 0, ""]);
    }
    await chmod(file, 0o644);
    const plain = await main(["--config", file, "ls", "memory://pm-src/"], { env, cwd: work });
    expect([plain.code, plain.stderr]).toEqual([0, ""]);
  });

  it("loadProfiles hands the warning to the callback given, and reads the file either way", async () => {
    await chmod(file, 0o640);
    const lines: string[] = [];
    const profiles = loadProfiles(env, file, (line) => lines.push(line));
    expect(profiles.get("dst")).toBe("memory://pm-dst/");
    expect(lines).toEqual(POSIX ? [warning("0640").replace(/^stowage: /, "").trimEnd()] : []);
    expect(loadProfiles(env, file).get("remote")).toContain("SKMARK");
  });
});
