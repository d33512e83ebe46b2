import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, type Servicer } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
let emulator: Emulator;
let servicer: Servicer;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: ["taken-bucket"] });
  const { accessKey, secretKey } = emulator.credential;
  servicer = newServicer(`oss://?credential=hmac:${accessKey}:${secretKey}&endpoint=http:127.0.0.1:${emulator.port}${QUICK}`);
});

afterAll(async () => {
  await emulator.stop();
});

async function bucketNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const s of servicer.list()) names.push(s.info.name);
  return names;
}

describe("oss: bucket create and delete whose answer is lost", () => {
  it("a PutBucket that created the bucket but whose answer was lost succeeds (the retry's BucketAlreadyExists is checked with GetBucketInfo)", async () => {
    emulator.setFaults([{ kind: "reset", operation: "CreateBucket", count: 1 }]);
    emulator.resetStats();
    const store = await servicer.create("lost-create");
    expect(emulator.faults()[0]!.fired).toBe(1);
    expect(emulator.stats().byOperation).toMatchObject({ CreateBucket: 2, HeadBucket: 1 });
    expect(store.info.name).toBe("lost-create");
    expect(await bucketNames()).toContain("lost-create");
    await servicer.delete("lost-create");
  });

  it("a DeleteBucket that deleted the bucket but whose answer was lost succeeds (the retry's NoSuchBucket means it is gone)", async () => {
    await servicer.create("lost-delete");
    emulator.setFaults([{ kind: "reset", operation: "DeleteBucket", count: 1 }]);
    await servicer.delete("lost-delete");
    expect(emulator.faults()[0]!.fired).toBe(1);
    expect(await bucketNames()).not.toContain("lost-delete");
  });

  it("without a lost answer, a bucket that exists is still Conflict and a missing one ObjectNotExist (nothing more asked)", async () => {
    emulator.setFaults([]);
    emulator.resetStats();
    await expect(servicer.create("taken-bucket")).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining("BucketAlreadyExists") });
    expect(emulator.stats().byOperation).toEqual({ CreateBucket: 1 });
    await expect(servicer.delete("never-was-here")).rejects.toMatchObject({ code: "ObjectNotExist", message: expect.stringContaining("NoSuchBucket") });
  });
});

describe("oss: a retried PutBucket answered BucketAlreadyExists for a bucket the caller cannot reach", () => {
  it("stays Conflict when GetBucketInfo is refused", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        seen.push(`${req.method} ${req.url}`);
        const n = seen.length;
        const error = (status: number, code: string): void => {
          res.writeHead(status, { "content-type": "application/xml" });
          res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message><RequestId>r${n}</RequestId></Error>`);
        };
        if (n === 1) error(500, "InternalError"); // may have acted, as far as the client knows
        else if (n === 2) error(409, "BucketAlreadyExists");
        else error(403, "AccessDenied");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const remote = newServicer(`oss://?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${port}${QUICK}`);
      await expect(remote.create("someone-elses")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining("BucketAlreadyExists") });
      expect(seen).toEqual(["PUT /someone-elses/", "PUT /someone-elses/", "GET /someone-elses/?bucketInfo"]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
