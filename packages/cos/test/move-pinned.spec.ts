import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startProxy, type Proxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { CosClient } from "../src/client.js";
import type { CosDriverTuning } from "../src/copy.js";
import { staticCredentials } from "../src/credentials.js";
import { cosService } from "../src/index.js";
import { CosStorageDriver } from "../src/storager.js";

const BUCKET = "move-pin-1250000000";
const MiB = 1024 * 1024;
let emulator: Emulator;
let proxy: Proxy;
/** Run once the answer to a request it matches has arrived, before the proxy passes it on (the request is performed). */
let onAnswer: { match: (req: IncomingMessage) => boolean; run: () => Promise<void> } | undefined;
/** The `x-cos-copy-source-if-match` of every copy request the proxy saw. */
let copyConditions: (string | undefined)[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
  proxy = await startProxy(emulator.port, {
    drop: async (req) => {
      if (req.headers["x-cos-copy-source"] !== undefined) copyConditions.push(req.headers["x-cos-copy-source-if-match"] as string | undefined);
      const hook = onAnswer;
      if (hook !== undefined && hook.match(req)) {
        onAnswer = undefined;
        await hook.run();
      }
      return false;
    },
  });
});

afterAll(async () => {
  await proxy.stop();
  await emulator.stop();
});

afterEach(() => {
  onAnswer = undefined;
  copyConditions = [];
});

/** A storager through the proxy (its driver with `tuning`) and one straight to the emulator, on the same work dir. */
function stores(tuning: CosDriverTuning = {}): { store: Storager; direct: Storager } {
  const workDir = `/${randomUUID()}/`;
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
  const client = new CosClient(bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${proxy.port}`) }), credentials, { retry: { maxRetries: 0 } });
  const driver = new CosStorageDriver(client, BUCKET, "ap-guangzhou", true, tuning);
  const store = createStorager(driver, { definition: cosService, config: { name: BUCKET, workDir }, pairs: mergePairs(cosService), defaults: {}, loose: false });
  const direct = newStorager(emulator.connectionString(BUCKET, workDir));
  return { store, direct };
}

const isCopy = (req: IncomingMessage): boolean => req.method === "PUT" && req.headers["x-cos-copy-source"] !== undefined && !(req.url ?? "").includes("partNumber");
const isHead = (req: IncomingMessage): boolean => req.method === "HEAD";
const text = async (s: Storager, path: string): Promise<string> => (await s.read(path)).toString();

describe("cos move: the source is deleted only while it is the version copied", () => {
  it("a source overwritten after the copy is kept: Conflict, the destination holds the copied version", async () => {
    const { store, direct } = stores();
    await direct.write("src", "version 1");
    onAnswer = { match: isCopy, run: async () => void (await direct.write("src", "version 2, never copied")) };
    await expect(store.move("src", "dst")).rejects.toMatchObject({
      name: "StorageError",
      code: "Conflict",
      retryable: false,
      message: expect.stringContaining("the source changed during the move"),
    });
    expect(onAnswer).toBeUndefined();
    expect(await text(direct, "src")).toBe("version 2, never copied");
    expect(await text(direct, "dst")).toBe("version 1");
  });

  it("a source overwritten between its HEAD and the copy is not copied (412): Conflict, nothing stored, nothing deleted", async () => {
    const { store, direct } = stores();
    await direct.write("src", "version 1");
    const etag = (await direct.stat("src")).etag!;
    onAnswer = { match: isHead, run: async () => void (await direct.write("src", "version 2")) };
    await expect(store.move("src", "dst")).rejects.toMatchObject({ code: "Conflict", statusCode: 412, message: expect.stringContaining("nothing was copied") });
    expect(copyConditions).toEqual([`"${etag.replace(/"/g, "")}"`]);
    expect(await text(direct, "src")).toBe("version 2");
    await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
    // A plain copy is pinned the same way.
    onAnswer = { match: isHead, run: async () => void (await direct.write("src", "version 3")) };
    await expect(store.copy("src", "dst")).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("a multipart copy pins every range: a source overwritten after its HEAD fails with Conflict, the upload is aborted", async () => {
    const { store, direct } = stores({ copyThreshold: 1, copyPartSize: MiB });
    await direct.write("big", randomBytes(2 * MiB + 7));
    const etag = (await direct.stat("big")).etag!;
    onAnswer = { match: isHead, run: async () => void (await direct.write("big", randomBytes(2 * MiB + 7))) };
    await expect(store.move("big", "big-moved")).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    expect(copyConditions.length).toBeGreaterThan(0);
    for (const condition of copyConditions) expect(condition).toBe(`"${etag.replace(/"/g, "")}"`);
    await expect(direct.stat("big-moved")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await direct.stat("big")).etag).not.toBe(etag);
    const uploads = [];
    for await (const u of direct.list("", { mode: "part" })) uploads.push(u);
    expect(uploads).toEqual([]);
  });

  it("an unchanged source is moved (HEAD, pinned copy, HEAD, DELETE); a source gone after the copy is fine", async () => {
    const { store, direct } = stores();
    await direct.write("a", "alpha");
    const before = proxy.seen.length;
    await store.move("a", "b");
    expect(proxy.seen.slice(before).map((s) => s.split(" ")[0])).toEqual(["HEAD", "PUT", "HEAD", "DELETE"]);
    expect(await text(direct, "b")).toBe("alpha");
    await expect(direct.stat("a")).rejects.toMatchObject({ code: "ObjectNotExist" });
    onAnswer = { match: isCopy, run: () => direct.delete("b") };
    await store.move("b", "c");
    expect(await text(direct, "c")).toBe("alpha");
    await expect(direct.stat("b")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
