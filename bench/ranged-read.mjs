#!/usr/bin/env node
// Concurrent ranged reads (`readConcurrency`) against one stream, on a link where one connection is
// slower than the machine: the COS emulator sends each GetObject body at most --link MiB/s (its
// `bandwidth` fault, standing for one TCP connection on a long path), then again with no cap.
// Compares @stowage/cos at readConcurrency 1, 2, 4 and 8 (8 MiB ranges) with cos-nodejs-sdk-v5's
// own ranged downloader `downloadFile` (5 ranges of 1 MiB at once, to a file on tmpfs).
// Not part of `pnpm bench`; needs a build (`npx tsc -b`).
//
//   node bench/ranged-read.mjs [--size-mib 128] [--link 32] [--rounds 2]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { importDist, loadCosSdk, rootPath } from "./lib/paths.mjs";
import { MiB, sourceStream } from "./lib/source.mjs";
import { startServer } from "./lib/spawn.mjs";

const { values: args } = parseArgs({
  options: { "size-mib": { type: "string", default: "128" }, link: { type: "string", default: "32" }, rounds: { type: "string", default: "2" } },
});
const size = Number(args["size-mib"]) * MiB;
const linkMiB = Number(args.link);
const rounds = Number(args.rounds);

const server = await startServer([rootPath("bench/emulator-server.mjs")]);
const info = server.info;
const shm = mkdtempSync(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "stowage-ranged-"));
try {
  await importDist("cos");
  const { newStorager } = await importDist("core");
  const store = newStorager(info.connectionString);
  await store.write("ranged.bin", sourceStream(size), { size });
  const COS = loadCosSdk();
  const cos = new COS({ SecretId: info.accessKey, SecretKey: info.secretKey, Protocol: "http:", Domain: `127.0.0.1:${info.port}/{Bucket}` });

  const setLink = async (bytesPerSecond) => {
    const rules = bytesPerSecond === undefined ? [] : [{ kind: "bandwidth", bytesPerSecond, operation: "GetObject" }];
    const res = await fetch(`http://127.0.0.1:${info.port}/_emulator/faults`, { method: "PUT", body: JSON.stringify(rules) });
    if (!res.ok) throw new Error(`setting faults: ${res.status}`);
  };
  const clients = [
    ...[1, 2, 4, 8].map((n) => ({
      name: `@stowage/cos readConcurrency ${n}`,
      run: async () => {
        let bytes = 0;
        for await (const chunk of store.createReadStream("ranged.bin", { readConcurrency: n })) bytes += chunk.length;
        return bytes;
      },
    })),
    {
      name: "SDK downloadFile (5 × 1 MiB)",
      run: () =>
        new Promise((resolve, reject) =>
          cos.downloadFile({ Bucket: info.bucket, Region: info.region, Key: "ranged.bin", FilePath: join(shm, "out.bin") }, (err) => (err ? reject(err) : resolve(size))),
        ),
    },
  ];

  for (const link of [linkMiB * MiB, undefined]) {
    await setLink(link);
    const label = link === undefined ? "loopback, no cap" : `each response capped at ${linkMiB} MiB/s`;
    console.log(`\n${args["size-mib"]} MiB download, ${label}, best of ${rounds} (rounds interleaved)`);
    const best = new Map();
    for (let r = 0; r < rounds; r++) {
      for (const c of clients) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const bytes = await c.run();
        const s = (performance.now() - t0) / 1000;
        if (bytes !== size) throw new Error(`${c.name}: ${bytes} of ${size} bytes`);
        const cpu = process.cpuUsage(c0);
        const rate = size / MiB / s;
        const prev = best.get(c.name);
        if (prev === undefined || rate > prev.rate) best.set(c.name, { rate, cpu: (cpu.user + cpu.system) / 1e6 / (size / 1024 / MiB) });
      }
    }
    const base = best.get(clients[0].name).rate;
    console.log("client".padEnd(36), "MiB/s".padStart(8), "× one stream".padStart(13), "CPU core-s/GiB".padStart(16));
    for (const c of clients) {
      const b = best.get(c.name);
      console.log(c.name.padEnd(36), b.rate.toFixed(0).padStart(8), `${(b.rate / base).toFixed(2)}×`.padStart(13), b.cpu.toFixed(2).padStart(16));
    }
  }
} finally {
  rmSync(shm, { recursive: true, force: true });
  await server.stop();
}
