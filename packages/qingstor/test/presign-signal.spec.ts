// A presign that waits for the zone detection ends that wait when its signal is aborted (review-presign L2).
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { isStorageError } from "@stowage/core";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { QingStorClient } from "../src/client.js";
import { presignCall } from "../src/presigner.js";

let server: Server;
const sockets = new Set<Socket>();
const heads: string[] = [];

beforeAll(async () => {
  // Never answers: the zone detection (an anonymous HEAD /<bucket>) waits until its own timeout.
  server = createServer((req) => void heads.push(`${req.method} ${req.url}`));
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it("presign aborts with Aborted while the zone detection is still waiting", async () => {
  const address = { protocol: "http" as const, host: "127.0.0.1", port: (server.address() as AddressInfo).port };
  // The request timeout (60 s) is far past this test's own bound (10 s): only the signal can end the wait.
  const client = new QingStorClient(address, "my-bucket", { accessKeyId: "AK", secretAccessKey: "SK" }, { retry: { maxRetries: 0 }, timeoutMs: 60_000 }, true);
  for (const op of ["read", "write"] as const) {
    const controller = new AbortController();
    const settled = presignCall(client, op, "k", { expires: 60, signal: controller.signal }).then(
      () => "signed",
      (e: unknown) => e,
    );
    // Abort once the detection has reached the server (at most 5 s of 10 ms waits).
    for (let i = 0; i < 500 && heads.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const e = await settled;
    expect(isStorageError(e, "Aborted")).toBe(true);
  }
  // One shared detection for both calls, still running: the abort ended the waits, not the detection.
  expect(heads).toEqual(["HEAD /my-bucket"]);
}, 10_000);
