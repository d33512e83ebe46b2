import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "@jest/globals";
import type { Storager } from "@stowage/core";
import { expectError } from "./fixtures.js";

const MiB = 1024 * 1024;

/** Names COS and OSS refuse: an underscore, a dot, symbols HTTP allows in a header name. */
const REFUSED = ["file_type", "a.b", "x+y", "Q'Q", "t~"];

/** Each call that sends user metadata, given `metadata`: on `dst` (holding "old"), or copying `src` there; true: needs part copies. */
const PATHS: Array<[string, (s: Storager, metadata: Record<string, string>) => Promise<unknown>, boolean]> = [
  ["write", (s, metadata) => s.write("dst", Buffer.from("new"), { metadata }), false],
  ["write in parts", (s, metadata) => s.write("dst", Buffer.alloc(3 * MiB, 1), { metadata }), false],
  ["write of a stream of unknown length", (s, metadata) => s.write("dst", Readable.from([Buffer.alloc(2 * MiB, 2)]), { metadata }), false],
  ["createWriteStream", (s, metadata) => pipeline(Readable.from([Buffer.alloc(3 * MiB, 3)]), s.createWriteStream("dst", { metadata })), false],
  ["createMultipart", (s, metadata) => s.createMultipart("dst", { metadata }), false],
  ["createAppend (which deletes what is at the key first)", (s, metadata) => s.createAppend("dst", { metadata }), false],
  ["copy with replaced metadata", (s, metadata) => s.copy("src", "dst", { metadata }), false],
  ["copy onto itself with replaced metadata", (s, metadata) => s.copy("dst", "dst", { metadata }), false],
  ["multipart copy with replaced metadata", (s, metadata) => s.copy("src", "dst", { metadata }), true],
];

/** What {@link runMetadataNameSuite} needs of a driver that takes only letters, digits and `-` in metadata names. */
export interface MetadataNameOptions {
  /** The service as messages name it: `COS`, `OSS`. */
  service: string;
  /**
   * A storager of its own directory on the emulator, writing above 1 MiB in 1 MiB parts and with
   * `max_retries=0`; with `partCopies`, one whose copies go in parts (copy threshold 1 byte, 1 MiB parts).
   */
  storeOf: (partCopies: boolean) => Storager;
  /** The requests the emulator has served so far. */
  requests: () => number;
  /** The most bytes of user metadata the service keeps (COS 2 KB, OSS 8 KB): a value this long is too much. */
  metadataLimit: number;
}

/**
 * Every path that sends user metadata refuses a name of other characters than letters, digits and
 * `-` with `InvalidArgument` before any request, and what is at the key stays as it was; so does an
 * append's creation with metadata the service cannot keep, which deletes what is at the key first.
 */
export function runMetadataNameSuite(options: MetadataNameOptions): void {
  const { service, storeOf, requests, metadataLimit } = options;
  describe(`${service.toLowerCase()}: user metadata names`, () => {
    it("takes letters, digits and - in any case; stat gives them lower-cased", async () => {
      const s = storeOf(false);
      await s.write("ok", Buffer.from("v"), { metadata: { "Content-Kind": "a", x1: "b", "-": "c" } });
      expect((await s.stat("ok")).metadata).toEqual({ "content-kind": "a", x1: "b", "-": "c" });
    });

    it.each(PATHS)("%s: a name of other characters is InvalidArgument before any request, and nothing changes", async (_name, call, partCopies) => {
      const s = storeOf(partCopies);
      await s.write("src", Buffer.from("source"));
      await s.write("dst", Buffer.from("old"), { metadata: { kept: "1" } });
      for (const name of REFUSED) {
        const before = requests();
        const e = await expectError(() => call(s, { fine: "1", [name]: "v" }), "InvalidArgument");
        expect(e.message).toContain(`metadata key ${JSON.stringify(name.toLowerCase())}: ${service} takes only letters, digits and "-"`);
        expect([name, requests()]).toEqual([name, before]);
      }
      expect((await s.read("dst")).toString()).toBe("old");
      expect((await s.stat("dst")).metadata).toEqual({ kept: "1" });
      expect((await s.read("src")).toString()).toBe("source");
      const uploads = [];
      for await (const u of s.list("", { mode: "part" })) uploads.push(u);
      expect(uploads).toEqual([]);
    });

    it(`createAppend with more metadata than ${service} keeps refuses before deleting what is at the key`, async () => {
      const s = storeOf(false);
      await s.write("dst", Buffer.from("old"));
      const before = requests();
      await expectError(() => s.createAppend("dst", { metadata: { big: "x".repeat(metadataLimit) } }), "InvalidArgument");
      expect(requests()).toBe(before);
      expect((await s.read("dst")).toString()).toBe("old");
    });
  });
}
