/**
 * Presigned QingStor uploads as a client sends them with `fetch`: a presigned PUT or part upload
 * works with every body type `fetch` takes (it types strings and typed Blobs by itself unless the
 * request names a Content-Type, and QingStor signs Content-Type).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { checkPresignedUploadBodies } from "@stowage/behavior-tests";
import { newStorager, type Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";

const BUCKET = "presign-bodies";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
});
afterAll(async () => {
  await emulator.stop();
});

function open(extra: string): Storager {
  return newStorager(`${emulator.connectionString(BUCKET, `/${randomUUID()}/`)}${extra}`);
}

describe("qingstor presigned uploads", () => {
  it("sign a Content-Type and take every body type fetch sends (PUT, default_content_type, parts)", async () => {
    await checkPresignedUploadBodies(open, 201);
  });
});
