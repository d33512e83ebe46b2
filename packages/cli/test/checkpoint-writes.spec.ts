/**
 * A checkpoint records a digest of what the flags set on every object written (`--content-type`,
 * `--metadata`, the header flags, `--no-guess-content-type`). Re-running `cp -r` after a partial
 * failure with other such flags must not skip the objects the earlier run finished (they hold the
 * old attributes), nor resume its uploads (they would complete with the old attributes): it starts
 * over, aborting those uploads. With the same flags it resumes as before.
 */
import { describe, expect, it } from "@jest/globals";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newStorager, type ObjectInfo } from "@stowage/core";
import { Checkpoint } from "../src/transfer/checkpoint.js";
import { writesDigest, writtenPairs } from "../src/transfer/given-fields.js";
import { bytes } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { inProcess } from "./cli-run.js";

const ws = useWorkspace();
const cli = inProcess(ws);
const KiB = 1024;

/** A source `a` and `x/y`, and a destination whose file `x` is in the way of `x/y` (so each run fails, keeping its checkpoint). */
async function seed(name: string): Promise<void> {
  const src = newStorager(`memory://${name}-src/`);
  await src.write("a", Buffer.from("AAAA"));
  await src.write("x/y", Buffer.from("Y"));
  await newStorager(`memory://${name}-dst/`).write("x", Buffer.from("file in the way"));
}

describe("cp -r re-run after a partial failure", () => {
  it("copies again what an earlier run finished with other --metadata / --content-type", async () => {
    await seed("flags");
    const first = await cli(["cp", "-r", "--metadata", "v=1", "memory://flags-src/", "memory://flags-dst/"]);
    expect(first.code).not.toBe(0);
    expect((await newStorager("memory://flags-dst/").stat("a")).metadata).toEqual({ v: "1" });

    const second = await cli(["cp", "-r", "--stats-json", "--metadata", "v=2", "--content-type", "text/x-new", "memory://flags-src/", "memory://flags-dst/"]);
    expect(second.code).not.toBe(0);
    const a = await newStorager("memory://flags-dst/").stat("a");
    expect([a.metadata, a.contentType]).toEqual([{ v: "2" }, "text/x-new"]);
    expect(JSON.parse(second.stdout.trim())).toMatchObject({ objects: { copied: 1, skipped: 0 } });
    expect(second.stderr).toContain("was written by a run with other --content-type, --metadata, header or --no-guess-content-type flags, or other destination defaults (default_* pairs, storage class, SSE mode): starting over");
  });

  it("copies again what an earlier run finished under other destination defaults (one --checkpoint file for both)", async () => {
    // The default checkpoint path follows the whole connection string, pairs included: other pairs,
    // another file. A --checkpoint given is shared, and the digest tells the runs apart.
    await seed("pairs");
    const dst = (type: string): string => `memory://pairs-dst/?default_content_type=${encodeURIComponent(type)}`;
    const checkpoint = ["--checkpoint", join(ws.work, "pairs.json"), "--no-guess-content-type"];
    expect((await cli(["cp", "-r", ...checkpoint, "memory://pairs-src/", dst("text/x-old")])).code).not.toBe(0);
    expect((await newStorager("memory://pairs-dst/").stat("a")).contentType).toBe("text/x-old");
    const second = await cli(["cp", "-r", "--stats-json", ...checkpoint, "memory://pairs-src/", dst("text/x-new")]);
    expect((await newStorager("memory://pairs-dst/").stat("a")).contentType).toBe("text/x-new");
    expect(JSON.parse(second.stdout.trim())).toMatchObject({ objects: { copied: 1, skipped: 0 } });
    expect(second.stderr).toContain("or other destination defaults");
  });

  it("keeps secrets out of the digest: only pairs that set what is written count", () => {
    const query = "credential=hmac%3Aak%3Ask&default_storage_class=STANDARD_IA&server_side_encryption_customer_key=c2VjcmV0&" +
      "server_side_encryption_customer_algorithm=AES256&endpoint=http%3A127.0.0.1%3A9000&storage_class=ARCHIVE";
    expect(writtenPairs(query)).toEqual([
      ["default_storage_class", "STANDARD_IA"],
      ["server_side_encryption_customer_algorithm", "AES256"],
      ["storage_class", "ARCHIVE"],
    ]);
    // Without such pairs the digest is what a checkpoint written before recorded.
    expect(writesDigest(undefined, true, "credential=hmac%3Aak%3Ask&endpoint=x")).toBeUndefined();
    expect(writesDigest({ contentType: "text/plain" }, true, "")).toBe(writesDigest({ contentType: "text/plain" }, true, "credential=x"));
  });

  it("with the same flags still skips what the earlier run finished", async () => {
    await seed("same");
    const args = ["cp", "-r", "--stats-json", "--metadata", "v=1", "--cache-control", "no-cache", "memory://same-src/", "memory://same-dst/"];
    expect((await cli(args)).code).not.toBe(0);
    const again = await cli(args);
    expect(again.stderr).not.toContain("starting over");
    expect(JSON.parse(again.stdout.trim())).toMatchObject({ objects: { copied: 0, skipped: 1 } });
  });

  it("aborts, never resumes, an upload a run with other flags started", async () => {
    const src = newStorager("memory://up-src/");
    const body = bytes(200 * KiB, 5);
    await src.write("big.bin", body);
    const listed: ObjectInfo = await src.stat("big.bin");
    const dst = newStorager("memory://up-dst/");
    const upload = await dst.createMultipart("big.bin");
    const checkpoint = join(ws.work, "up.json");
    await writeFile(
      checkpoint,
      JSON.stringify({
        version: 1,
        command: "cp",
        source: "memory://up-src/",
        destination: "memory://up-dst/",
        writes: "digest-of-a-run-with-other-flags",
        updated: new Date().toISOString(),
        uploads: {
          "big.bin": {
            multipartId: upload.multipartId,
            partSize: 64 * KiB,
            source: { size: listed.size, etag: listed.etag, mtime: listed.lastModified!.getTime(), crc64: listed.crc64 },
            bytesDone: 0,
          },
        },
        done: {},
      }),
    );
    const r = await cli(["cp", "-r", "--stats-json", "--checkpoint", checkpoint, "--large-threshold", "64K", "--part-size", "64K", "--metadata", "v=2", "memory://up-src/", "memory://up-dst/"]);
    expect(r.code).toBe(0);
    const copy = await dst.stat("big.bin");
    expect(copy.metadata).toEqual({ v: "2" });
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ parts: { resumedUploads: 0 } });
    expect(r.stderr).toContain("starting over");
    expect((await dst.read("big.bin")).equals(body)).toBe(true);
    await expect(dst.stat("big.bin", { multipartId: upload.multipartId! })).rejects.toMatchObject({ code: "ObjectNotExist" });
    await expect(readFile(checkpoint)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("an upload started under other flags stays stale once a run with the new flags saved: a third run never resumes it (review-journal HIGH-1)", async () => {
    // The digest of its flags is kept with each upload: a save by the second run (its header the new
    // digest) used to make the first run's upload look like its own, and a third run, stopped short of
    // its abort, would complete the object with the first run's attributes.
    const path = join(ws.work, "stale.json");
    const meta = { command: "cp", source: "memory://s/", destination: "memory://d/" };
    const source = { size: 300, etag: "e" };
    const first = await Checkpoint.open(path, { ...meta, writes: "flags-A" });
    await first.startUpload("big.bin", { multipartId: "UP-A", partSize: 100, source, bytesDone: 0 });
    const second = await Checkpoint.open(path, { ...meta, writes: "flags-B" });
    expect(second.writesChanged).toBe(true);
    expect(second.upload("big.bin", source)).toBeUndefined();
    second.markDone("small.txt", { size: 1 }, { size: 1, etag: "s" });
    await second.flush();
    const third = await Checkpoint.open(path, { ...meta, writes: "flags-B" });
    expect(third.writesChanged).toBe(false);
    expect(third.upload("big.bin", source)).toBeUndefined();
    expect(third.staleUpload("big.bin")).toMatchObject({ multipartId: "UP-A" });
    // An ended one is never taken for this run's either.
    third.endUpload("big.bin");
    await third.flush();
    const fourth = await Checkpoint.open(path, { ...meta, writes: "flags-B" });
    expect(fourth.endedUpload("big.bin", source)).toBe(false);
    // A run with the flags it was started under takes it as its own again (here: ended, so the
    // destination may already hold the object with those very attributes).
    const back = await Checkpoint.open(path, { ...meta, writes: "flags-A" });
    expect(back.writesChanged).toBe(true);
    expect(back.endedUpload("big.bin", source)).toBe(true);
    await back.remove();
  });

  it("a version-1 upload (no digest of its own) takes its file's: resumed under the same flags, not under others", async () => {
    const path = join(ws.work, "v1.json");
    const meta = { command: "cp", source: "memory://s/", destination: "memory://d/" };
    const source = { size: 300, etag: "e" };
    const upload = { multipartId: "UP-1", partSize: 100, source, bytesDone: 0 };
    await writeFile(path, JSON.stringify({ version: 1, ...meta, writes: "flags-A", updated: new Date().toISOString(), uploads: { "big.bin": upload }, done: {} }));
    expect((await Checkpoint.open(path, { ...meta, writes: "flags-A" })).upload("big.bin", source)).toMatchObject({ multipartId: "UP-1" });
    const other = await Checkpoint.open(path, { ...meta, writes: "flags-B" });
    expect(other.upload("big.bin", source)).toBeUndefined();
    other.markDone("small.txt", { size: 1 }, { size: 1, etag: "s" });
    await other.flush();
    expect((await Checkpoint.open(path, { ...meta, writes: "flags-B" })).upload("big.bin", source)).toBeUndefined();
  });
});
