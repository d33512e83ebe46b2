import { chmod, chown, lstat, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { buf, streamBody } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// An overwrite puts a new file in place (a temp file renamed over the old one). cp(1) onto an
// existing file, and a shell's `>`, write into that file, which keeps its permission bits and
// owner: a 0600 secret stays 0600 when it is updated. So does every overwrite of the driver (write,
// a streamed or multipart write, fetch, createAppend, copy), and the owner too where this process
// may give a file away (root), else the group where it is one of this process's groups. A move is
// a rename (mv(1)): the moved file keeps its own mode. A new file is made as before.

let s: Sandbox;
let server: Server;
let base = "";
let umask: number;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-length": "7" });
    res.end("fetched");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  s = await sandbox();
  umask = process.umask(0o022);
});
afterEach(async () => {
  process.umask(umask);
  await s.cleanup();
});

const modeOf = async (name: string): Promise<number> => (await lstat(join(s.root, name))).mode & 0o7777;

/** A file `name` holding `text`, with permission bits `mode`. */
async function file(name: string, text: string, mode: number): Promise<void> {
  await writeFile(join(s.root, name), text);
  await chmod(join(s.root, name), mode);
}

describe("fs: an overwrite keeps the file's permission bits, as cp(1) onto an existing file does", () => {
  it("write (buffered and streamed), fetch, createAppend and multipart complete keep a 0600 file 0600; a new file is 0666 less the umask", async () => {
    for (const name of ["w", "ws", "f", "a", "m"]) await file(name, "old secret", 0o600);
    await s.driver.write(s.key("w"), buf("new secret"), {});
    await s.driver.write(s.key("ws"), streamBody(Buffer.from("new streamed secret")), {});
    await s.driver.fetch!(s.key("f"), `${base}/x`, {});
    await s.driver.createAppend!(s.key("a"), {});
    const { multipartId } = await s.driver.createMultipart!(s.key("m"), {});
    const part = await s.driver.writePart!(s.key("m"), multipartId, 0, buf("new parts"), {});
    await s.driver.completeMultipart!(s.key("m"), multipartId, [part], {});
    await s.driver.write(s.key("new"), buf("fresh"), {});
    expect([await modeOf("w"), await modeOf("ws"), await modeOf("f"), await modeOf("a"), await modeOf("m"), await modeOf("new")]).toEqual([0o600, 0o600, 0o600, 0o600, 0o600, 0o644]);
    expect(await readFile(join(s.root, "w"), "utf8")).toBe("new secret");
    expect(await readFile(join(s.root, "f"), "utf8")).toBe("fetched");
    expect(await readFile(join(s.root, "m"), "utf8")).toBe("new parts");
  });

  it("keeps bits more open than the umask allows, and a read-only file's, exactly; never setuid, setgid or sticky", async () => {
    await file("open", "x", 0o666);
    await file("readonly", "x", 0o444);
    await file("setuid", "x", 0o4755);
    for (const name of ["open", "readonly", "setuid"]) await s.driver.write(s.key(name), buf("y"), {});
    expect([await modeOf("open"), await modeOf("readonly"), await modeOf("setuid")]).toEqual([0o666, 0o444, 0o755]);
  });

  it("copy onto a file keeps the destination's bits; a new copy has the source's less the umask; a move keeps the moved file's own", async () => {
    await file("src", "source", 0o664);
    await file("dst", "old", 0o600);
    await file("mv-dst", "old", 0o600);
    await s.driver.copy(s.key("src"), s.key("dst"), {});
    await s.driver.copy(s.key("src"), s.key("fresh-copy"), {});
    await s.driver.move(s.key("src"), s.key("mv-dst"), {});
    expect([await modeOf("dst"), await modeOf("fresh-copy"), await modeOf("mv-dst")]).toEqual([0o600, 0o644, 0o664]);
    expect(await readFile(join(s.root, "dst"), "utf8")).toBe("source");
  });

  it("writing over a symlink replaces the link with a new file: the file it led to keeps its mode and bytes", async () => {
    await file("target", "target", 0o600);
    await symlink("target", join(s.root, "link"));
    await s.driver.write(s.key("link"), buf("over the link"), {});
    expect((await lstat(join(s.root, "link"))).isFile()).toBe(true);
    expect([await modeOf("link"), await modeOf("target")]).toEqual([0o644, 0o600]);
    expect(await readFile(join(s.root, "target"), "utf8")).toBe("target");
  });

  it("keeps the owner where this process may give a file away (root), else the group where it is one of its own", async () => {
    const uid = process.getuid!();
    const groups = process.getgroups!().filter((g) => g !== process.getegid!());
    await file("w", "old", 0o640);
    await file("c", "old", 0o640);
    await file("src", "source", 0o644);
    if (uid === 0) {
      // Root may give a file to anyone: the files belong to uid and gid 65534, and stay theirs.
      for (const name of ["w", "c"]) await chown(join(s.root, name), 65534, 65534);
    } else if (groups.length > 0) {
      // Not root: the owner stays this process, the group one of its other groups.
      for (const name of ["w", "c"]) await chown(join(s.root, name), -1, groups[0]!);
    }
    const before = await stat(join(s.root, "w"));
    await s.driver.write(s.key("w"), buf("new"), {});
    await s.driver.copy(s.key("src"), s.key("c"), {});
    for (const name of ["w", "c"]) {
      const st = await stat(join(s.root, name));
      expect([st.uid, st.gid, st.mode & 0o777]).toEqual([before.uid, before.gid, 0o640]);
    }
    // What the files belonged to before: another user (root), another of this process's groups, or (a user with one group) this process.
    expect(before.uid).toBe(uid === 0 ? 65534 : uid);
    expect(before.gid).toBe(uid === 0 ? 65534 : (groups[0] ?? process.getegid!()));
  });

  it("a conditional write (ifNotExists) replaces nothing and a refused one changes no mode", async () => {
    await file("taken", "old", 0o600);
    await expect(s.driver.write(s.key("taken"), buf("new"), { ifNotExists: true })).rejects.toMatchObject({ code: "Conflict" });
    expect(await modeOf("taken")).toBe(0o600);
    await s.driver.write(s.key("free"), buf("new"), { ifNotExists: true });
    expect(await modeOf("free")).toBe(0o644);
  });
});
