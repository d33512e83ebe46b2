#!/usr/bin/env node
// The COS emulator in its own process, for the benchmark.
//   node bench/emulator-server.mjs [--discard]
// Prints one JSON line {endpoint, port, bucket, region, accessKey, secretKey, connectionString, discard, pid}
// and serves on 127.0.0.1 until stdin closes or SIGTERM/SIGINT arrives.
//
// --discard: bench mode — request bodies are counted, not hashed or kept, and reads return zeros
// with no CRC-64 header. Without it the emulator keeps the bytes in memory and hashes what it
// receives (MD5 + CRC-64), so GETs carry x-cos-hash-crc64ecma and clients verify downloads.

import { importDist } from "./lib/paths.mjs";

export const BENCH_BUCKET = "bench-1250000000";
export const BENCH_REGION = "ap-guangzhou";
export const BENCH_CREDENTIAL = { accessKey: "AKIDstowagebench", secretKey: "stowage-bench-secret" };

const discard = process.argv.includes("--discard");
const { startEmulator } = await importDist("emulator");
const emu = await startEmulator({
  provider: "cos",
  host: "127.0.0.1",
  port: 0,
  buckets: [BENCH_BUCKET],
  region: BENCH_REGION,
  credentials: BENCH_CREDENTIAL,
  discard,
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await emu.stop();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();

process.stdout.write(
  JSON.stringify({
    endpoint: emu.endpoint,
    port: emu.port,
    bucket: BENCH_BUCKET,
    region: BENCH_REGION,
    accessKey: BENCH_CREDENTIAL.accessKey,
    secretKey: BENCH_CREDENTIAL.secretKey,
    connectionString: emu.connectionString(BENCH_BUCKET),
    discard,
    pid: process.pid,
  }) + "\n",
);
