import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { createStorager, mergePairs, newStorager, parseEndpoint, type Storager } from "@stowage/core";
import { startProxy, type Proxy } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress } from "../src/addressing.js";
import { OssClient } from "../src/client.js";
import type { OssDriverTuning } from "../src/copy.js";
import { staticCredentials } from "../src/credentials.js";
import { ossService } from "../src/index.js";
import { OssStorageDriver } from "../src/storager.js";

const BUCKET = "move-pin-oss";
const KiB = 1024;
let emulator: Emulator;
let proxy: Proxy;
/** Run once the answer to a request it matches has arrived, before the proxy passes it on (the request is performed). */
let onAnswer: { match: (req: IncomingMessage) => boolean; run: () => Promise<void> } | undefined;
/** The `x-oss-copy-source-if-match` of every copy request the proxy saw. */
let copyConditions: (string | undefined)[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } });
  proxy = await startProxy(emulator.port, {
    drop: async (req) => {
      if (req.headers["x-oss-copy-source"] !== undefined) copyConditions.push(req.headers["x-oss-copy-source-if-match"] as string | undefined);
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
function stores(tuning: OssDriverTuning = {}): { store: Storager; direct: Storager } {
  const workDir = `/${randomUUID()}/`;
  const credentials = staticCredentials({ protocol: "hmac", accessKey: "AK", secretKey: "SK" }, undefined);
  const address = bucketAddress(BUCKET, undefined, { endpoint: parseEndpoint(`http:127.0.0.1:${proxy.port}`) });
  const client = new OssClient(address, BUCKET, credentials, { version: "v1", region: "cn-hangzhou" }, { retry: { maxRetries: 0 } });
  const driver = new OssStorageDriver(client, BUCKET, "cn-hangzhou", true, tuning);
  const store = createStorager(driver, { definition: ossService, config: { name: BUCKET, workDir }, pairs: mergePairs(ossService), defaults: {}, loose: false });
  const direct = newStorager(emulator.connectionString(BUCKET, workDir));
  return { store, direct };
}

const isCopy = (req: IncomingMessage): boolean => req.method === "PUT" && req.headers["x-oss-copy-source"] !== undefined && !(req.url ?? "").includes("partNumber");
/** Matches the `n`th HEAD from now on (a move's stat of the source is its second: core stats it first, to check where a link leads). */
const nthHead = (n: number): ((req: IncomingMessage) => boolean) => {
  let seen = 0;
  return (req) => req.method === "HEAD" && ++seen === n;
};
const text = async (s: Storager, path: string): Promise<string> => (await s.read(path)).toString();

describe("oss move: the source is deleted only while it is the version copied", () => {
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
    onAnswer = { match: nthHead(2), run: async () => void (await direct.write("src", "version 2")) };
    await expect(store.move("src", "dst")).rejects.toMatchObject({ code: "Conflict", statusCode: 412, message: expect.stringContaining("nothing was copied") });
    expect(copyConditions).toEqual([`"${etag.replace(/"/g, "").toUpperCase()}"`]);
    expect(await text(direct, "src")).toBe("version 2");
    await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
    // A plain copy is pinned the same way.
    onAnswer = { match: nthHead(1), run: async () => void (await direct.write("src", "version 3")) };
    await expect(store.copy("src", "dst")).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    await expect(direct.stat("dst")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("a multipart copy pins every range: a source overwritten after its HEAD fails with Conflict, the upload is aborted", async () => {
    const { store, direct } = stores({ copyThreshold: 300 * KiB, copyPartSize: 200 * KiB });
    await direct.write("big", randomBytes(700 * KiB + 7));
    const etag = (await direct.stat("big")).etag!;
    onAnswer = { match: nthHead(2), run: async () => void (await direct.write("big", randomBytes(700 * KiB + 7))) };
    await expect(store.move("big", "big-moved")).rejects.toMatchObject({ code: "Conflict", statusCode: 412 });
    expect(copyConditions.length).toBeGreaterThan(0);
    for (const condition of copyConditions) expect(condition).toBe(`"${etag.replace(/"/g, "").toUpperCase()}"`);
    await expect(direct.stat("big-moved")).rejects.toMatchObject({ code: "ObjectNotExist" });
    expect((await direct.stat("big")).etag).not.toBe(etag);
    const uploads = [];
    for await (const u of direct.list("", { mode: "part" })) uploads.push(u);
    expect(uploads).toEqual([]);
  });

  it("an unchanged source is moved (core's HEAD, HEAD, pinned copy, HEAD, DELETE); a source gone after the copy is fine", async () => {
    const { store, direct } = stores();
    await direct.write("a", "alpha");
    const before = proxy.seen.length;
    await store.move("a", "b");
    expect(proxy.seen.slice(before).map((s) => s.split(" ")[0])).toEqual(["HEAD", "HEAD", "PUT", "HEAD", "DELETE"]);
    expect(await text(direct, "b")).toBe("alpha");
    await expect(direct.stat("a")).rejects.toMatchObject({ code: "ObjectNotExist" });
    onAnswer = { match: isCopy, run: () => direct.delete("b") };
    await store.move("b", "c");
    expect(await text(direct, "c")).toBe("alpha");
    await expect(direct.stat("b")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("a link replaced by an object after the new link was made is kept: Conflict", async () => {
    const { store, direct } = stores();
    await direct.write("t", "target");
    await direct.createLink("l", "t");
    onAnswer = { match: (req) => req.method === "PUT" && (req.url ?? "").includes("symlink"), run: async () => void (await direct.write("l", "an object now")) };
    await expect(store.move("l", "m")).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining("the source changed during the move") });
    expect(await text(direct, "l")).toBe("an object now");
    expect((await direct.stat("m")).linkTarget).toMatch(/\/t$/);
    await store.move("m", "n");
    expect((await direct.stat("n")).linkTarget).toMatch(/\/t$/);
    await expect(direct.stat("m")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });
});
