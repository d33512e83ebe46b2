import { readFile, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { crc64Decimal, type Part } from "@stowage/core";
import { buf, expectCode, streamBody } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

// An fs part's ETag names its file's version (mtime, size, inode), not its bytes: a part written
// again with the very same bytes (two resumes of one upload that both sent it) gets another ETag.
// Complete takes such a part where its record (part-record.ts) names the file now at the part's
// path and says its writer sent the size and CRC-64 the caller gives; anything less is Conflict,
// nothing stored, the upload and its parts kept.

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

const key = (): string => s.key("obj");

/** An upload with part 0 written twice: first `first`, then `second`; the first write's part. */
async function writtenTwice(first: string, second: string | Buffer): Promise<{ id: string; mine: Part; theirs: Part }> {
  const { multipartId: id } = await s.driver.createMultipart(key(), {});
  const mine = await s.driver.writePart(key(), id, 0, buf(first), {});
  const theirs = await s.driver.writePart(key(), id, 0, typeof second === "string" ? buf(second) : streamBody(second), {});
  expect(theirs.etag).not.toBe(mine.etag);
  return { id, mine, theirs };
}

/** The parts the upload `id` lists. */
async function listed(id: string): Promise<Part[]> {
  return (await s.driver.listParts(key(), id, undefined, {})).items;
}

describe("fs multipart complete: a part written again by another writer", () => {
  it("with the same bytes: completes with the first writer's part (its ETag changed, its record vouches)", async () => {
    const { id, mine } = await writtenTwice("same bytes", "same bytes");
    expect(mine.crc64).toBe(crc64Decimal(Buffer.from("same bytes")));
    const result = await s.driver.completeMultipart(key(), id, [mine], {});
    expect(result.crc64).toBe(mine.crc64);
    expect(await readFile(join(s.root, "obj"), "utf8")).toBe("same bytes");
    expect(await readdir(s.root)).toEqual(["obj"]);
  });

  it("with other bytes of the same size: Conflict, nothing stored, the other writer's part kept", async () => {
    const { id, mine, theirs } = await writtenTwice("aaaa", "bbbb");
    await expectCode(s.driver.completeMultipart(key(), id, [mine], {}), "Conflict");
    await expectCode(s.driver.stat(key(), {}), "ObjectNotExist");
    expect(await listed(id)).toEqual([expect.objectContaining({ etag: theirs.etag, crc64: theirs.crc64 })]);
  });

  it("with the same bytes but no record vouching (a stream body; the record removed): Conflict", async () => {
    const streamed = await writtenTwice("same bytes", Buffer.from("same bytes"));
    await expectCode(s.driver.completeMultipart(key(), streamed.id, [streamed.mine], {}), "Conflict");
    const removed = await writtenTwice("same bytes", "same bytes");
    await unlink(join(s.root, ".stowage-multipart", removed.id, "part-0.crc64.json"));
    await expectCode(s.driver.completeMultipart(key(), removed.id, [removed.mine], {}), "Conflict");
    await expectCode(s.driver.stat(key(), {}), "ObjectNotExist");
  });

  it("a part given without its CRC-64: Conflict (nothing to compare the record with)", async () => {
    const { id, mine } = await writtenTwice("same bytes", "same bytes");
    const { crc64: _crc64, ...bare } = mine;
    await expectCode(s.driver.completeMultipart(key(), id, [bare], {}), "Conflict");
    expect(await listed(id)).toHaveLength(1);
  });

  it("a part given with another size than its writer recorded: Conflict", async () => {
    const { id, mine } = await writtenTwice("same bytes", "same bytes");
    await expectCode(s.driver.completeMultipart(key(), id, [{ ...mine, size: mine.size - 1 }], {}), "Conflict");
  });
});
