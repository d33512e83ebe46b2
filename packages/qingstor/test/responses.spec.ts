import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { listPartsPage } from "../src/lister.js";
import {
  objectFromHeaders,
  objectSize,
  parseDeleteErrors,
  parseErrorBody,
  parseInitiate,
  parseJson,
  parseListBuckets,
  parseListObjects,
  parseListParts,
  parseListUploads,
} from "../src/responses.js";

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("QingStor response parsers on saved JSON bodies", () => {
  it("reads a dir-mode listing: prefixes as dirs, keys sorted, the next marker while has_more", () => {
    const page = parseListObjects(fixture("list-objects-dir.json"));
    expect(page.items).toEqual([
      { key: "photos/", mode: "dir", size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"', contentType: "application/x-directory", lastModified: new Date(1558696000_000), storageClass: "STANDARD" },
      { key: "photos/2019/", mode: "dir" },
      {
        key: "photos/z+1 é.jpg",
        mode: "file",
        size: 13,
        etag: '"ee8de918d05640145b18f70f4c3aa602"',
        contentType: "image/jpeg",
        lastModified: new Date("2019-05-24T11:20:39.000Z"),
        storageClass: "STANDARD_IA",
      },
    ]);
    expect(page.nextMarker).toBe("photos/z+1 é.jpg");
  });

  it("reads a flat listing: no marker on the last page", () => {
    const page = parseListObjects(fixture("list-objects-flat.json"));
    expect(page.items.map((o) => [o.key, o.mode, o.size])).toEqual([
      ["a/", "dir", 0],
      ["a/b.txt", "file", 11],
    ]);
    expect(page.nextMarker).toBeUndefined();
  });

  it("falls back to the last key QingStor sent (its own order, not the largest) when has_more comes without next_marker", () => {
    const page = parseListObjects(Buffer.from(JSON.stringify({ has_more: true, keys: [{ key: "b" }, { key: "a" }] })));
    expect(page.nextMarker).toBe("a");
  });

  it("reads the upload_id of an initiate answer", () => {
    expect(parseInitiate(fixture("initiate.json"))).toBe("4d26cf9f2ec1a4f3f7f8a1a2b3c4d5e6");
    expect(parseInitiate(Buffer.from("{}"))).toBeUndefined();
  });

  it("reads parts with their native 0-based numbers as indexes, sorted", () => {
    expect(parseListParts(fixture("list-parts.json"))).toEqual([
      { index: 0, size: 4194304, etag: '"e1e5ae32bbe4f8b4d0fc2edd7b9e3e1c"', lastModified: new Date("2024-01-02T03:04:05Z") },
      { index: 1, size: 1024, etag: '"d05a2d2a7e5d1c4b2bd5c16d7ce3a0f4"', lastModified: new Date("2024-01-02T03:04:06Z") },
    ]);
  });

  it("reads in-progress uploads as part objects and the next markers", () => {
    const page = parseListUploads(fixture("list-uploads.json"));
    expect(page.items.map((o) => [o.key, o.mode, o.multipartId, o.storageClass])).toEqual([
      ["dir/a", "part", "9f8e7d6c", "STANDARD"],
      ["dir/b c", "part", "ab12cd34", "STANDARD_IA"],
    ]);
    expect(page.next).toEqual({ keyMarker: "dir/b c", uploadIdMarker: "ab12cd34" });
  });

  it("reads the failures of a batch delete", () => {
    expect(parseDeleteErrors(fixture("delete-result.json"))).toEqual([
      { key: "locked.txt", code: "permission_denied", message: "You don't have enough permission to accomplish this request." },
      { key: "gone.txt", code: "object_not_exists", message: "The object you are accessing does not exist." },
    ]);
  });

  it("reads the bucket list with the total count", () => {
    expect(parseListBuckets(fixture("list-buckets.json"))).toEqual({
      items: [
        { name: "mybucket", location: "pek3b" },
        { name: "otherbucket", location: "sh1a" },
      ],
      count: 3,
    });
  });

  it("reads error documents, and nothing from other bodies", () => {
    expect(parseErrorBody(fixture("error-object-not-exists.json"))).toEqual({
      code: "object_not_exists",
      message: "The object you are accessing does not exist.",
      requestId: "aa08cf7a43f611e5886952542e6ce14b",
      url: "https://docs.qingcloud.com/object_storage/api/object/get.html",
    });
    expect(parseErrorBody(Buffer.alloc(0))).toBeUndefined();
    expect(parseErrorBody(Buffer.from("<html>bad gateway</html>"))).toBeUndefined();
    expect(parseErrorBody(fixture("initiate.json"))).toBeUndefined();
  });
});

describe("object metadata from headers", () => {
  it("reads size, etag, type, date, user metadata, STANDARD by default and the SSE-C algorithm under system", () => {
    const headers = {
      "content-length": "1024",
      "content-type": "text/plain",
      etag: '"ee8de918d05640145b18f70f4c3aa602"',
      "last-modified": "Wed, 28 Oct 2020 07:30:15 GMT",
      "x-qs-meta-color": "blue",
      "x-qs-meta-owner-name": "Ann",
      "x-qs-object-type": "normal",
      "x-qs-encryption-customer-algorithm": "AES256",
      "x-qs-request-id": "aa08cf7a",
    };
    expect(objectFromHeaders("a.txt", 200, headers)).toEqual({
      key: "a.txt",
      mode: "file",
      size: 1024,
      etag: '"ee8de918d05640145b18f70f4c3aa602"',
      contentType: "text/plain",
      lastModified: new Date("2020-10-28T07:30:15Z"),
      storageClass: "STANDARD",
      metadata: { color: "blue", "owner-name": "Ann" },
      system: { objectType: "normal", encryptionCustomerAlgorithm: "AES256" },
    });
  });

  it("reports appendable objects with their next append position, and dirs by their key", () => {
    const o = objectFromHeaders("log", 200, { "content-length": "77", "x-qs-object-type": "appendable", "x-qs-next-append-position": "77", "x-qs-storage-class": "STANDARD_IA" });
    expect(o).toMatchObject({ mode: "append", size: 77, appendOffset: 77, storageClass: "STANDARD_IA" });
    expect(objectFromHeaders("d/", 200, { "content-length": "0" }).mode).toBe("dir");
  });

  it("takes the whole size of a 206 from Content-Range", () => {
    expect(objectSize(206, { "content-length": "10", "content-range": "bytes 0-9/4096" })).toBe(4096);
    expect(objectSize(200, { "content-length": "10" })).toBe(10);
  });
});

describe("damaged answers", () => {
  it("a body that is not a JSON object is Unexpected and retryable, as a malformed XML answer is on COS and OSS", () => {
    for (const body of ['{"errors": [}', "[1,2]", "null"]) {
      let error: unknown;
      try {
        parseJson(Buffer.from(body));
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: "Unexpected", retryable: true });
    }
  });
});

describe("part listing pages", () => {
  /** A client whose ListMultipart answers come from `pages` (by marker), recording the markers asked for. */
  function fakeClient(answer: (marker: string | undefined) => unknown[], asked: Array<string | undefined>) {
    return {
      sendBuffered: async (call: { query: Array<readonly [string, string | undefined]> }, options?: { validate?: (res: unknown) => unknown }) => {
        const marker = call.query.find(([k]) => k === "part_number_marker")?.[1];
        asked.push(marker);
        const res = { status: 200, body: Buffer.from(JSON.stringify({ count: 0, object_parts: answer(marker) })) };
        // As the client does: a refused answer is an error.
        const refused = await options?.validate?.(res);
        if (refused !== undefined) throw refused;
        return res;
      },
    } as never;
  }
  const part = (n: number) => ({ part_number: n, size: 1, etag: `"${"0".repeat(31)}${n}"` });

  it("pages by the last part number and drops a repeated marker part (inclusive servers)", async () => {
    const asked: Array<string | undefined> = [];
    const client = fakeClient((m) => (m === undefined ? [part(0), part(1)] : m === "1" ? [part(1), part(2)] : [part(2)]), asked);
    const first = await listPartsPage(client, "k", "id", undefined, {}, 2);
    expect(first.items.map((p) => p.index)).toEqual([0, 1]);
    expect(first.nextToken).toBe("1");
    const second = await listPartsPage(client, "k", "id", "1", {}, 2);
    expect(second.items.map((p) => p.index)).toEqual([2]);
    expect(second.nextToken).toBe("2");
    const third = await listPartsPage(client, "k", "id", "2", {}, 2);
    expect(third).toEqual({ items: [] });
    expect(asked).toEqual([undefined, "1", "2"]);
    await expect(listPartsPage(client, "k", "id", "x", {}, 2)).rejects.toMatchObject({ code: "InvalidArgument" });
  });

  it("goes on after a page shorter than asked for: a service that pages by fewer still lists every part", async () => {
    const asked: Array<string | undefined> = [];
    // Asked for 1,000 a page, this service answers 2 at a time.
    const client = fakeClient((m) => [0, 1, 2, 3, 4].filter((n) => m === undefined || n > Number(m)).slice(0, 2).map(part), asked);
    const seen: number[] = [];
    let token: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listPartsPage(client, "k", "id", token, {});
      seen.push(...page.items.map((p) => p.index));
      token = page.nextToken;
      if (token === undefined) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(asked).toEqual([undefined, "1", "3", "4"]);
  });
});

describe("QingStor numbers beyond 2^53 - 1 (core parseWholeNumber)", () => {
  it("leaves out a listed size no number holds exactly, given as a string or a number", () => {
    const listing = (size: unknown): Buffer => Buffer.from(JSON.stringify({ name: "b", keys: [{ key: "k", size }], common_prefixes: [], has_more: false }));
    expect(parseListObjects(listing("99999999999999999999")).items[0]?.size).toBeUndefined();
    expect(parseListObjects(listing(2 ** 53)).items[0]?.size).toBeUndefined();
    expect(parseListObjects(listing("12")).items[0]?.size).toBe(12);
  });
});
