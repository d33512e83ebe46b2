import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { constants, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import "../src/index.js";
import { buf, expectCode, waitFor } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// A fifo, socket or device in the work_dir is no object: read, createReadStream, copy and append
// refuse it with ObjectModeInvalid, as stat does, without opening it. open(2) of such a file has
// effects of its own: a fifo's writer blocked in its open is released (and killed by SIGPIPE
// when the reader closes at once), a socket answers ENXIO. The writer is a shell blocked opening
// the fifo; the kernel says where a process waits (/proc/<pid>/wchan): `wait_for_partner` while
// no reader has opened the fifo.

let s: Sandbox;
let store: Storager;
let writer: ChildProcess | undefined;
let server: Server | undefined;
beforeEach(async () => {
  s = await sandbox();
  store = newStorager(`fs://${s.root}/`);
});
afterEach(async () => {
  if (writer !== undefined && writer.exitCode === null && writer.signalCode === null) writer.kill("SIGKILL");
  writer = undefined;
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
  await s.cleanup();
});

/** Where process `pid` waits in the kernel ("0" when it runs, "(exited)" once it is gone). */
function waitChannel(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/wchan`, "utf8").trim();
  } catch {
    return "(exited)";
  }
}

describe("fs: special files are refused unopened", () => {
  it("a fifo: read, createReadStream, copy and append are ObjectModeInvalid, and a writer waiting to open it keeps waiting", async () => {
    const fifo = join(s.root, "fifo");
    execFileSync("mkfifo", [fifo]);
    writer = spawn("sh", ["-c", 'exec 3>"$1"', "sh", fifo], { stdio: "ignore" });
    const pid = writer.pid!;
    // The premise: the writer is blocked in its open, waiting for a reader.
    await waitFor(() => waitChannel(pid) === "wait_for_partner");
    await expectCode(store.read("fifo"), "ObjectModeInvalid");
    await expectCode(
      new Promise((resolve, reject) => store.createReadStream("fifo").on("error", reject).on("end", resolve).resume()),
      "ObjectModeInvalid",
    );
    await expectCode(store.copy("fifo", "copy"), "ObjectModeInvalid");
    await expectCode(s.driver.writeAppend!(s.key("fifo"), 0, buf("x"), {}), "ObjectModeInvalid");
    expect(waitChannel(pid)).toBe("wait_for_partner");
    expect(writer.exitCode).toBeNull();
    await expect(store.read("fifo")).rejects.toThrow("this path is not a file (a fifo)");
    // Released by a reader of its own, the writer goes on and ends.
    const exited = new Promise((resolve) => writer!.once("exit", (code) => resolve(code)));
    const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    expect(await exited).toBe(0);
    await reader.close();
  });

  it("a unix socket: read and createReadStream are ObjectModeInvalid, as stat is (not Unexpected ENXIO)", async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(join(s.root, "sock"), resolve));
    await expectCode(store.stat("sock"), "ObjectModeInvalid");
    await expectCode(store.read("sock"), "ObjectModeInvalid");
    await expect(store.read("sock")).rejects.toThrow("this path is not a file (a socket)");
    await expectCode(
      new Promise((resolve, reject) => store.createReadStream("sock").on("error", reject).on("end", resolve).resume()),
      "ObjectModeInvalid",
    );
    await expectCode(s.driver.copy(s.key("sock"), s.key("copy"), { sourceWithin: "", destinationWithin: "" }), "ObjectModeInvalid");
  });
});
