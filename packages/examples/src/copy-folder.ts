/**
 * The README's main job: open an fs storage and a memory storage from
 * connection strings, copy a sample folder into memory and on to a second
 * fs storage, then verify every object of the source against the copy's CRC64
 * (a missing or extra object counts as a mismatch). Exits non-zero on any mismatch.
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { newStorager, crc64Decimal, type Storager } from "@stowage/core";
import "@stowage/fs";
import "@stowage/memory";

const here = dirname(fileURLToPath(import.meta.url));
const sample = join(here, "..", "sample");

async function copyAll(from: Storager, to: Storager): Promise<number> {
  let bytes = 0;
  for await (const entry of from.list("", { mode: "prefix" })) {
    // Passing the size lets core plan parts up front and report progress against a total.
    let shown = 0;
    const result = await to.write(entry.path, from.createReadStream(entry.path), {
      ...(entry.size === undefined ? {} : { size: entry.size }),
      onProgress: ({ bytes: done, total }) => {
        const percent = total ? Math.floor((100 * done) / total) : 100;
        if (total && total > 1024 * 1024 && percent >= shown + 25) {
          shown = percent;
          console.log(`    ${entry.path}: ${percent}% of ${total} bytes`);
        }
      },
    });
    const multipart = result.parts ? ` in ${result.parts} parts` : "";
    console.log(`  ${from.info.service} → ${to.info.service}  ${entry.path} (${result.size} B${multipart}, crc64 ${result.crc64})`);
    bytes += result.size;
  }
  return bytes;
}

/**
 * Checks every object of `source` against its copy in `copy` (the same CRC64; a missing copy is a
 * failure) and that `copy` holds no other object. Prints one line per object.
 */
async function verify(source: Storager, copy: Storager): Promise<{ count: number; failures: number }> {
  let count = 0;
  let failures = 0;
  const expected = new Set<string>();
  for await (const entry of source.list("", { mode: "prefix" })) {
    expected.add(entry.path);
    count++;
    const [a, b] = await Promise.all([source.read(entry.path), copy.read(entry.path).catch((e: unknown) => e as Error)]);
    const ok = Buffer.isBuffer(b) && crc64Decimal(a) === crc64Decimal(b);
    if (!ok) failures++;
    console.log(`  ${ok ? "ok  " : "FAIL"} ${entry.path} ${entry.size} B${Buffer.isBuffer(b) ? "" : ` (${b.message})`}`);
  }
  for await (const entry of copy.list("", { mode: "prefix" })) {
    if (expected.has(entry.path)) continue;
    failures++;
    console.log(`  FAIL ${entry.path}: not in the source`);
  }
  return { count, failures };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "stowage-example-"));
  try {
    // A source folder: the shipped sample plus a 6 MiB blob that goes multipart.
    const sourceDir = join(work, "source");
    await cp(sample, sourceDir, { recursive: true });
    await writeFile(join(sourceDir, "random.bin"), randomBytes(6 * 1024 * 1024));

    const source = newStorager(`fs://${sourceDir}`);
    const memory = newStorager("memory://demo/backup/?multipart_threshold=2MiB&part_size=1MiB&concurrency=4");
    const restore = newStorager(`fs://${join(work, "restore")}/`);

    console.log(`copy ${source.info.workDir} → memory://demo${memory.info.workDir}`);
    const sent = await copyAll(source, memory);
    console.log(`copy memory://demo${memory.info.workDir} → ${restore.info.workDir}`);
    await copyAll(memory, restore);

    console.log("verify:");
    const { count, failures } = await verify(source, restore);
    console.log(`${count} objects, ${sent} bytes, ${failures} mismatches`);
    if (failures > 0 || count === 0) process.exitCode = 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
