import "@stowage/memory";
import { describe, expect, it } from "@jest/globals";
import { once } from "node:events";
import { createReadStream, readdirSync, type ReadStream } from "node:fs";
import type { ObjectInfo } from "../src/object/object-info.js";
import { newStorager } from "../src/registry/registry.js";
import type { Storager } from "../src/storager.js";
import { rejection } from "./rejection.js";
import { useTempFiles } from "./temp-files.js";

// writeMultipart and writeAppend close a streaming body they fail on, as write does, even when they
// fail before reading it: each such failure used to leave a file stream (and its descriptor) open.

const files = useTempFiles("stowage-body-closed-");

/** The descriptors this process holds open (Linux). */
function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

/** A file stream over a new 64 KiB file, once its file is open. */
async function openedFileStream(): Promise<ReadStream> {
  const stream = createReadStream(files.fileOf(64 * 1024).path);
  await once(stream, "open");
  return stream;
}

/** Resolves once `stream` has closed its file. */
async function closed(stream: ReadStream): Promise<void> {
  if (!stream.closed) await once(stream, "close");
}

function aborted(): AbortSignal {
  const controller = new AbortController();
  controller.abort();
  return controller.signal;
}

async function setUp(): Promise<{ store: Storager; upload: ObjectInfo; log: ObjectInfo }> {
  const store = newStorager("memory://");
  return { store, upload: await store.createMultipart("big"), log: await store.createAppend("log") };
}

type Failing = (s: { store: Storager; upload: ObjectInfo; log: ObjectInfo }, body: ReadStream) => Promise<unknown>;

const failures: Array<[string, string, Failing]> = [
  ["writeMultipart with an aborted signal", "Aborted", ({ store, upload }, body) => store.writeMultipart(upload, body, { index: 0, signal: aborted() })],
  [
    "writeMultipart with an index past limits.multipartNumberMaximum",
    "InvalidArgument",
    ({ store, upload }, body) => store.writeMultipart(upload, body, { index: store.features.limits.multipartNumberMaximum! }),
  ],
  ["writeMultipart with an unknown option", "PairUnsupported", ({ store, upload }, body) => store.writeMultipart(upload, body, { index: 0, noSuchOption: 1 } as never)],
  ["writeMultipart on no part object", "ObjectModeInvalid", ({ store }, body) => store.writeMultipart({ path: "big", mode: "file" }, body, { index: 0 })],
  ["writeMultipart on no ObjectInfo", "InvalidArgument", ({ store }, body) => store.writeMultipart(null as unknown as ObjectInfo, body, { index: 0 })],
  ["writeAppend with an aborted signal", "Aborted", ({ store, log }, body) => store.writeAppend(log, body, { signal: aborted() })],
  ["writeAppend at a negative appendOffset", "InvalidArgument", ({ store, log }, body) => store.writeAppend({ ...log, appendOffset: -1 }, body)],
  ["writeAppend with an unknown option", "PairUnsupported", ({ store, log }, body) => store.writeAppend(log, body, { noSuchOption: 1 } as never)],
  ["writeAppend on no ObjectInfo", "InvalidArgument", ({ store }, body) => store.writeAppend(undefined as unknown as ObjectInfo, body)],
];

describe("writeMultipart and writeAppend close a file stream they fail on before reading it", () => {
  it.each(failures)("%s: %s, and the file stream is destroyed and closes its file", async (_name, code, call) => {
    const s = await setUp();
    const body = await openedFileStream();
    expect((await rejection(call(s, body))).code).toBe(code);
    expect(body.destroyed).toBe(true);
    await closed(body);
    expect(body.closed).toBe(true);
    expect(body.bytesRead).toBe(0);
  });

  it("nothing was stored by those calls: no part, no appended byte", async () => {
    const s = await setUp();
    for (const [, , call] of failures) await rejection(call(s, await openedFileStream()));
    const parts = [];
    for await (const part of s.store.listMultipart(s.upload)) parts.push(part);
    expect(parts).toEqual([]);
    expect((await s.store.stat("log")).size).toBe(0);
  });

  it("20 rounds of every failure leave no descriptor open", async () => {
    const s = await setUp();
    const before = openFds();
    const bodies: ReadStream[] = [];
    for (let round = 0; round < 20; round++) {
      for (const [, , call] of failures) {
        const body = await openedFileStream();
        bodies.push(body);
        await rejection(call(s, body));
      }
    }
    expect(bodies.filter((b) => !b.destroyed)).toEqual([]);
    await Promise.all(bodies.map(closed));
    expect(openFds()).toBe(before);
  });

  it("an async generator given as the body is returned (its finally runs) on a pre-aborted writeMultipart or writeAppend", async () => {
    const s = await setUp();
    const finished: string[] = [];
    const source = (name: string): AsyncGenerator<Buffer> =>
      (async function* () {
        try {
          yield Buffer.from("never read");
        } finally {
          finished.push(name);
        }
      })();
    // A generator not yet started has nothing to finish: return() ends it at once, its finally not run.
    // So start each one, as a caller that read a header from it would have.
    const part = source("part");
    const append = source("append");
    await part.next();
    await append.next();
    expect((await rejection(s.store.writeMultipart(s.upload, part, { index: 0, signal: aborted() }))).code).toBe("Aborted");
    expect((await rejection(s.store.writeAppend(s.log, append, { signal: aborted() }))).code).toBe("Aborted");
    for (let i = 0; i < 10 && finished.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(finished.sort()).toEqual(["append", "part"]);
  });

  it("a successful writeMultipart and writeAppend read the file stream to its end (closed, nothing left open)", async () => {
    const s = await setUp();
    const before = openFds();
    const partBody = await openedFileStream();
    const appendBody = await openedFileStream();
    expect((await s.store.writeMultipart(s.upload, partBody, { index: 0 })).size).toBe(64 * 1024);
    expect((await s.store.writeAppend(s.log, appendBody)).appendOffset).toBe(64 * 1024);
    await Promise.all([closed(partBody), closed(appendBody)]);
    expect([partBody.bytesRead, appendBody.bytesRead]).toEqual([64 * 1024, 64 * 1024]);
    expect(openFds()).toBe(before);
  });
});
