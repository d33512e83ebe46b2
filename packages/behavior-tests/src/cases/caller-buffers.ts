import { expect } from "@jest/globals";
import type { CaseBody, CaseScope, Flag, Suite } from "../context.js";
import { expectError, expectSameBytes, randomData } from "../fixtures.js";
import { partSize, startUpload } from "./multipart.js";

/**
 * Changes every byte of the caller's memory (each one inverted, so none stays as it was), as a
 * caller does that reuses its buffer once a call has resolved.
 */
function scribble(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0xff;
}

/** One case of this family: its name, the flags it needs and, where one is off, the refusal it asserts. */
export interface CallerBufferCase {
  readonly name: string;
  readonly flags: readonly Flag[];
  readonly body: CaseBody;
  readonly unsupported: CaseBody;
}

const none: CaseBody = async () => {
  throw new Error("a case gated on no flag has no unsupported branch");
};

/**
 * A single write: a Buffer body, and a Uint8Array view into a larger buffer cut short by `size`
 * (core hands the driver a view of the caller's memory, not a copy, in both).
 */
async function singleWrite(t: CaseScope): Promise<void> {
  const path = t.key();
  const data = randomData(4099);
  const kept = Buffer.from(data);
  await t.store.write(path, data);
  scribble(data);
  expectSameBytes(await t.store.read(path), kept);
  expect((await t.store.stat(path)).size).toBe(kept.length);

  const viewPath = t.key();
  const backing = randomData(3000);
  const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 2000);
  const viewKept = Buffer.from(view.subarray(0, 1500));
  await t.store.write(viewPath, view, { size: 1500 });
  scribble(backing);
  expectSameBytes(await t.store.read(viewPath), viewKept);
  // The first object is still as written after the second write.
  expectSameBytes(await t.store.read(path), kept);
}

/** Size of each of the large writes: from 1 MiB up core may hand the driver its own copy of the bytes. */
const LARGE_WRITE = 2 * 1024 * 1024;

/**
 * Two writes of 2 MiB, one after the other. A single write that large may reach the driver as
 * core's own copy of the bytes (hashed on worker threads), which core reuses for the next write:
 * the first object must still read back as written, before the caller changes anything and after
 * it changed both buffers. (On a store that writes 2 MiB in parts, core's part buffers are reused
 * the same way.)
 */
async function largeWritesInTurn(t: CaseScope): Promise<void> {
  const first = t.key();
  const second = t.key();
  const a = randomData(LARGE_WRITE);
  const b = randomData(LARGE_WRITE);
  const keptA = Buffer.from(a);
  const keptB = Buffer.from(b);
  await t.store.write(first, a);
  await t.store.write(second, b);
  expectSameBytes(await t.store.read(first), keptA);
  scribble(a);
  scribble(b);
  expectSameBytes(await t.store.read(first), keptA);
  expectSameBytes(await t.store.read(second), keptB);
}

/** Two parts by `writeMultipart`, each buffer changed once its call resolved, and again after Complete. */
async function multipartParts(t: CaseScope): Promise<void> {
  const o = await startUpload(t);
  t.track(o.path);
  const first = randomData(partSize(t));
  const last = randomData(777);
  const kept = Buffer.concat([first, last]);
  const parts = [await t.store.writeMultipart(o, first, { index: 0 })];
  scribble(first);
  parts.push(await t.store.writeMultipart(o, last, { index: 1 }));
  scribble(last);
  await t.store.completeMultipart(o, parts);
  expectSameBytes(await t.store.read(o.path), kept);
  scribble(first);
  scribble(last);
  expectSameBytes(await t.store.read(o.path), kept);
}

/** Two appends, each buffer changed once its call resolved, and again after commitAppend. */
async function appends(t: CaseScope): Promise<void> {
  const path = t.key();
  const a = randomData(2000);
  const b = randomData(1001);
  const kept = Buffer.concat([a, b]);
  const o = await t.store.createAppend(path);
  await t.store.writeAppend(o, a);
  scribble(a);
  await t.store.writeAppend(o, b);
  scribble(b);
  expectSameBytes(await t.store.read(path), kept);
  await t.store.commitAppend(o);
  scribble(a);
  scribble(b);
  expectSameBytes(await t.store.read(path), kept);
}

/**
 * The cases, as bodies (test/kept-buffers.spec.ts runs them against a driver that keeps the
 * caller's buffer, which each must fail).
 */
export const CALLER_BUFFER_CASES: readonly CallerBufferCase[] = [
  {
    name: "write: changing the caller's buffer after the write resolved changes nothing stored (a Buffer, and a view cut short by size)",
    flags: [],
    body: singleWrite,
    unsupported: none,
  },
  {
    name: "write: two writes of 2 MiB in turn leave the first as written (core's own copy of the bytes is reused for the next write)",
    flags: [],
    body: largeWritesInTurn,
    unsupported: none,
  },
  {
    name: "writeMultipart: changing the caller's buffers after each part and after Complete changes nothing stored",
    flags: ["multipart"],
    body: multipartParts,
    unsupported: (t) => expectError(() => t.store.createMultipart(t.key()), "CapabilityInsufficient").then(() => undefined),
  },
  {
    name: "writeAppend: changing the caller's buffers after each append and after commitAppend changes nothing stored",
    flags: ["append"],
    body: appends,
    unsupported: (t) => expectError(() => t.store.createAppend(t.key()), "CapabilityInsufficient").then(() => undefined),
  },
];

/**
 * A driver gets memory that is not its own as `DriverBody.data` (a single write's Buffer, a view
 * of it, or core's copy of it, which core reuses for the next write; a part or chunk given to
 * `writeMultipart` / `writeAppend`): it must copy what it keeps. Each case changes the caller's
 * buffers once the call resolved (one first writes a second large object) and reads the objects back.
 */
export function registerCallerBufferCases(suite: Suite): void {
  for (const c of CALLER_BUFFER_CASES) suite.gated(c.name, c.flags, c.body, c.unsupported);
}
