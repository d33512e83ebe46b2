import { appendFile, readdir, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { crc64Decimal } from "@stowage/core";
import { buf, expectCode, md5, streamBody, tree } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs driver: multipart", () => {
  it("stages parts, completes them in order and cleans up the staging area", async () => {
    const k = s.key("mp/obj");
    const { multipartId } = await s.driver.createMultipart(k, {});
    expect(multipartId).toMatch(/^[0-9a-f]{32}$/);
    const big = Buffer.alloc(2 * 1024 * 1024, 9);
    const p1 = await s.driver.writePart(k, multipartId, 1, streamBody(big, 65536), {});
    const p0 = await s.driver.writePart(k, multipartId, 0, buf("head:"), {});
    expect(p0).toMatchObject({ index: 0, size: 5 });
    expect(await readdir(join(s.root, ".stowage-multipart", multipartId))).toEqual(expect.arrayContaining(["part-0", "part-1", "upload.json"]));
    expect(await s.driver.statMultipart(k, multipartId, {})).toMatchObject({ key: k, mode: "part", multipartId });
    const result = await s.driver.completeMultipart(k, multipartId, [p0, p1], {});
    expect(result.etag).toMatch(/^"/);
    const stored = await readFile(join(s.root, "mp/obj"));
    expect(stored.subarray(0, 5).toString()).toBe("head:");
    expect(stored.length).toBe(5 + big.length);
    expect(await tree(s.root)).toEqual(["mp", "mp/obj"]);
    await expectCode(s.driver.statMultipart(k, multipartId, {}), "ObjectNotExist");
  });

  it("takes a part's ETag without quotes or in other case", async () => {
    const k = s.key("mp/bare");
    const { multipartId } = await s.driver.createMultipart(k, {});
    const p0 = await s.driver.writePart(k, multipartId, 0, buf("only part"), {});
    await s.driver.completeMultipart(k, multipartId, [{ ...p0, etag: p0.etag!.replace(/"/g, "").toUpperCase() }], {});
    expect(await readFile(join(s.root, "mp/bare"), "utf8")).toBe("only part");
  });

  it("records each part's CRC64 so a resumed upload can verify it, and forgets it once the part changes", async () => {
    const k = s.key("crc/obj");
    const { multipartId } = await s.driver.createMultipart(k, {});
    const data = Buffer.from("part zero bytes");
    const p0 = await s.driver.writePart(k, multipartId, 0, buf(data.toString()), {});
    expect(p0.crc64).toBe(crc64Decimal(data));
    const listed = await s.driver.listParts(k, multipartId, undefined, {});
    expect(listed.items).toEqual([expect.objectContaining({ index: 0, size: data.length, crc64: crc64Decimal(data) })]);
    // Staging files stay hidden from part listings.
    expect(listed.items).toHaveLength(1);
    await appendFile(join(s.root, ".stowage-multipart", multipartId, "part-0"), "tampered");
    const after = await s.driver.listParts(k, multipartId, undefined, {});
    expect(after.items[0]!.crc64).toBeUndefined();
  });

  it("checks parts on complete and leaves no object on failure", async () => {
    const k = s.key("k");
    const { multipartId } = await s.driver.createMultipart(k, {});
    const p0 = await s.driver.writePart(k, multipartId, 0, buf("a"), {});
    await expectCode(s.driver.completeMultipart(k, multipartId, [p0, { index: 1, size: 1, etag: '"x"' }], {}), "InvalidArgument");
    // Another ETag, and no CRC-64 for the part's record to vouch for (fs-multipart-same-bytes.spec.ts).
    const { crc64: _crc64, ...unvouched } = p0;
    await expectCode(s.driver.completeMultipart(k, multipartId, [{ ...unvouched, etag: '"changed"' }], {}), "Conflict");
    const p2 = await s.driver.writePart(k, multipartId, 2, buf("c"), {});
    await expectCode(s.driver.completeMultipart(k, multipartId, [p0, p2], {}), "InvalidArgument");
    await expectCode(s.driver.completeMultipart(k, multipartId, [], {}), "InvalidArgument");
    await expectCode(s.driver.writePart(k, multipartId, 1, { ...buf("b"), contentMd5: md5("c") }, {}), "IntegrityMismatch");
    await expectCode(s.driver.stat(k, {}), "ObjectNotExist");
    expect((await s.driver.listParts(k, multipartId, undefined, {})).items.map((p) => p.index)).toEqual([0, 2]);
  });

  it("refuses unknown or malformed upload ids and aborts idempotently", async () => {
    const k = s.key("k");
    await expectCode(s.driver.writePart(k, "0".repeat(32), 0, buf("a"), {}), "ObjectNotExist");
    await expectCode(s.driver.writePart(k, "../../outside", 0, buf("a"), {}), "ObjectNotExist");
    await expectCode(s.driver.completeMultipart(k, "nope", [], {}), "ObjectNotExist");
    await expectCode(s.driver.statMultipart(k, "nope", {}), "ObjectNotExist");
    const { multipartId } = await s.driver.createMultipart(k, {});
    await expectCode(s.driver.statMultipart(s.key("other"), multipartId, {}), "ObjectNotExist");
    await s.driver.abortMultipart(s.key("other"), multipartId, {});
    expect((await s.driver.statMultipart(k, multipartId, {})).multipartId).toBe(multipartId);
    await s.driver.abortMultipart(k, multipartId, {});
    await s.driver.abortMultipart(k, multipartId, {});
    await expectCode(s.driver.statMultipart(k, multipartId, {}), "ObjectNotExist");
    expect(await tree(s.root)).toEqual([]);
  });

  it("lists parts in pages of 1000", async () => {
    const k = s.key("many");
    const { multipartId } = await s.driver.createMultipart(k, {});
    for (let i = 0; i < 1003; i++) await s.driver.writePart(k, multipartId, i, buf(""), {});
    const first = await s.driver.listParts(k, multipartId, undefined, {});
    expect(first.items).toHaveLength(1000);
    expect(first.items[999]!.index).toBe(999);
    const second = await s.driver.listParts(k, multipartId, first.nextToken, {});
    expect(second.items.map((p) => p.index)).toEqual([1000, 1001, 1002]);
    expect(second.nextToken).toBeUndefined();
  });

  it("lists uploads by prefix with paging", async () => {
    const a1 = (await s.driver.createMultipart(s.key("up/a"), {})).multipartId;
    const a2 = (await s.driver.createMultipart(s.key("up/a"), {})).multipartId;
    const b = (await s.driver.createMultipart(s.key("up/b"), {})).multipartId;
    await s.driver.createMultipart(s.key("other"), {});
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await s.driver.listUploads({ prefix: s.key("up/"), limit: 2, ...(token ? { token } : {}) }, {});
      seen.push(...page.items.map((o) => `${o.key.slice(s.key("").length)}:${o.multipartId}:${o.mode}`));
      token = page.nextToken;
      if (token === undefined) break;
    }
    expect(seen).toEqual([...[`up/a:${a1}:part`, `up/a:${a2}:part`].sort(), `up/b:${b}:part`]);
  });

  it("refuses to complete onto a directory", async () => {
    const k = s.key("dirlike");
    const { multipartId } = await s.driver.createMultipart(k, {});
    const p0 = await s.driver.writePart(k, multipartId, 0, buf("a"), {});
    await s.driver.createDir(s.key("dirlike/"), {});
    await expectCode(s.driver.completeMultipart(k, multipartId, [p0], {}), "ObjectModeInvalid");
    expect((await s.driver.statMultipart(k, multipartId, {})).mode).toBe("part");
  });

  it("refuses to start an upload onto a directory or below a file, and stages nothing", async () => {
    await s.driver.createDir(s.key("d/"), {});
    await s.driver.write(s.key("f"), buf("x"), {});
    await expectCode(s.driver.createMultipart(s.key("d"), {}), "ObjectModeInvalid");
    await expectCode(s.driver.createMultipart(s.key("f/x"), {}), "ObjectModeInvalid");
    await expectCode(s.driver.createMultipart(s.key("f/x/y"), {}), "ObjectModeInvalid");
    // A symbolic link on the way that leads nowhere cannot become a directory either.
    await symlink(join(s.root, "nowhere"), join(s.root, "dangling"));
    await expectCode(s.driver.createMultipart(s.key("dangling/x"), {}), "ObjectModeInvalid");
    expect(await readdir(join(s.root, ".stowage-multipart")).catch(() => [])).toEqual([]);
    // Directories not made yet are no obstacle: they are made at completion.
    const { multipartId } = await s.driver.createMultipart(s.key("new/deep/obj"), {});
    const p0 = await s.driver.writePart(s.key("new/deep/obj"), multipartId, 0, buf("abc"), {});
    await s.driver.completeMultipart(s.key("new/deep/obj"), multipartId, [p0], {});
    expect(await readFile(join(s.root, "new/deep/obj"), "utf8")).toBe("abc");
  });
});
