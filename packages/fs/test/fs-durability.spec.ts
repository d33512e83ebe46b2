import { open } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { isStorageError, newStorager, type OpenConfig } from "@stowage/core";
import { fsService } from "../src/definition.js";
import { FsStorageDriver } from "../src/storager.js";
import "../src/index.js";
import { buf } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
let syncs: string[];
let restore: () => void;

beforeEach(async () => {
  s = await sandbox();
  // Every FileHandle shares one prototype: spy on its sync to see what is flushed.
  const probe = await open(join(s.outside), "r");
  const proto = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
  await probe.close();
  syncs = [];
  const spy = jest.spyOn(proto, "sync").mockImplementation(async function (this: { fd: number }) {
    syncs.push(String(this.fd));
  });
  restore = () => spy.mockRestore();
});
afterEach(async () => {
  restore();
  await s.cleanup();
});

describe("fs driver: durability (the fsync pair)", () => {
  it("fsyncs the file and its directory before a write returns, by default", async () => {
    const d = new FsStorageDriver(s.root + "/");
    expect(d.durable).toBe(true);
    await d.write(s.key("a/b.txt"), buf("hello"), {});
    expect(syncs).toHaveLength(2);
  });

  it("fsyncs copies, moves, appends and multipart completes", async () => {
    const d = new FsStorageDriver(s.root + "/");
    await d.write(s.key("src.txt"), buf("x"), {});
    syncs.length = 0;
    await d.copy(s.key("src.txt"), s.key("copy.txt"), {});
    expect(syncs.length).toBe(2);
    syncs.length = 0;
    await d.move(s.key("copy.txt"), s.key("other/moved.txt"), {});
    // Both directories: the destination's and the source's.
    expect(syncs.length).toBe(2);
    syncs.length = 0;
    await d.createAppend!(s.key("log.txt"), {});
    expect(syncs.length).toBe(2);
    syncs.length = 0;
    await d.writeAppend!(s.key("log.txt"), 0, buf("line\n"), {});
    expect(syncs.length).toBe(1);
    const id = (await d.createMultipart!(s.key("big.bin"), {})).multipartId;
    const part = await d.writePart!(s.key("big.bin"), id, 0, buf("part-0"), {});
    syncs.length = 0;
    await d.completeMultipart!(s.key("big.bin"), id, [part], {});
    expect(syncs.length).toBe(2);
  });

  it("fsyncs a new link's directory, never opening the link itself (its target may be missing)", async () => {
    const d = new FsStorageDriver(s.root + "/");
    await d.createLink!(s.key("a/link"), s.key("missing"), {});
    expect(syncs).toHaveLength(1);
    syncs.length = 0;
    await d.move(s.key("a/link"), s.key("b/link"), {});
    expect(syncs).toHaveLength(2);
    syncs.length = 0;
    await new FsStorageDriver(s.root + "/", "", { fsync: false }).createLink!(s.key("c/link"), s.key("missing"), {});
    expect(syncs).toHaveLength(0);
  });

  it("fsyncs a conditional copy (file, directory) and move (the new name's directory, then the source's); a refused one flushes nothing", async () => {
    const d = new FsStorageDriver(s.root + "/");
    await d.write(s.key("src.txt"), buf("x"), {});
    await d.write(s.key("taken.txt"), buf("t"), {});
    syncs.length = 0;
    await d.copy(s.key("src.txt"), s.key("copy.txt"), { ifNotExists: true });
    expect(syncs).toHaveLength(2);
    syncs.length = 0;
    await d.move(s.key("copy.txt"), s.key("other/moved.txt"), { ifNotExists: true });
    expect(syncs).toHaveLength(2);
    syncs.length = 0;
    for (const op of ["copy", "move"] as const) {
      await d[op](s.key("src.txt"), s.key("taken.txt"), { ifNotExists: true }).then(
        () => Promise.reject(new Error(`${op} replaced taken.txt`)),
        (e: unknown) => expect(isStorageError(e, "Conflict")).toBe(true),
      );
    }
    expect(syncs).toHaveLength(0);
  });

  it("fsync=false flushes nothing; writes stay atomic and correct", async () => {
    const store = newStorager(`fs://${s.root}/?fsync=false`);
    await store.write("k.txt", Buffer.from("no flush"));
    expect((await store.read("k.txt")).toString()).toBe("no flush");
    expect(syncs).toHaveLength(0);
    const d = fsService.newStorageDriver({ workDir: s.root + "/", fsync: false } as unknown as OpenConfig) as FsStorageDriver;
    expect(d.durable).toBe(false);
  });

  it("the connection string turns it on by default and refuses a value that is not a boolean", async () => {
    const store = newStorager(`fs://${s.root}/`);
    await store.write("k.txt", Buffer.from("flushed"));
    expect(syncs).toHaveLength(2);
    let error: unknown;
    try {
      newStorager(`fs://${s.root}/?fsync=maybe`);
    } catch (e) {
      error = e;
    }
    expect(isStorageError(error, "ConnectionStringInvalid")).toBe(true);
  });
});
