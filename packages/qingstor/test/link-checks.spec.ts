import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Storager } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import "../src/index.js";
import type { QingStorOptions } from "../src/index.js";
import { emulatorStorager } from "./emulator-storager.js";

const BUCKET = "link-checks-bucket";

// Core's link checks (a move of a link onto what it leads to, a link closing a loop) stat the
// links: with virtual links and a customer key, the link objects are encrypted and answer only to it.
describe("qingstor virtual links with SSE-C: core's link checks see the links", () => {
  let tls: Emulator;
  let plainHttp: Emulator;
  beforeAll(async () => {
    tls = await startEmulator({ provider: "qingstor", tls: true, buckets: [BUCKET] });
    plainHttp = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
  });
  afterAll(async () => {
    await tls.stop();
    await plainHttp.stop();
  });

  const open = (workDir: string, key?: Buffer, em: Emulator = tls): Storager<QingStorOptions> =>
    emulatorStorager(em, BUCKET, workDir, { enableVirtualLink: true, ...(key === undefined ? {} : { encryptionCustomerKey: key }) });

  it("a storager opened with a key refuses to move its link onto the link's target (the target kept), and refuses a link loop", async () => {
    const s = open(`/${randomUUID()}/`, randomBytes(32));
    await s.write("t", "precious bytes");
    await s.createLink("l", "t");
    await expect(s.move("l", "t")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect((await s.read("t")).toString()).toBe("precious bytes");
    expect((await s.stat("t")).mode).toBe("file");
    expect((await s.stat("l")).linkTarget).toMatch(/\/t$/);
    // Through a chain: l2 -> l -> t.
    await s.createLink("l2", "l");
    await expect(s.move("l2", "t")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect((await s.read("t")).toString()).toBe("precious bytes");
    // A loop: a -> b, then b -> a.
    await s.createLink("a", "b");
    await expect(s.createLink("b", "a")).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(s.stat("b")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("a keyed storager sees plain links too (the key tried, then none), and the call's own key is used", async () => {
    const workDir = `/${randomUUID()}/`;
    const key = randomBytes(32);
    const plain = open(workDir);
    const keyed = open(workDir, key);
    await plain.write("t", "plain target");
    await plain.createLink("p", "t");
    await keyed.createLink("k", "p");
    // k (encrypted) -> p (plain) -> t
    await expect(keyed.move("k", "t")).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(keyed.move("p", "t")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect((await plain.read("t")).toString()).toBe("plain target");
    // A plain storager given the key on the call.
    await expect(plain.move("k", "t", { encryptionCustomerKey: key })).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(plain.createLink("t", "k", { encryptionCustomerKey: key })).rejects.toMatchObject({ code: "InvalidArgument" });
    expect((await plain.read("t")).toString()).toBe("plain target");
  });

  it("a move whose source no stat can see (a link under another key) is refused, nothing moved, the key not shown", async () => {
    const workDir = `/${randomUUID()}/`;
    const key = randomBytes(32);
    const other = randomBytes(32);
    const owner = open(workDir, key);
    await owner.write("t", "precious bytes");
    await owner.createLink("l", "t");
    const stranger = open(workDir, other);
    const e = await stranger.move("l", "t").then(
      () => undefined,
      (x: unknown) => x as { code?: string; message: string },
    );
    expect(e?.code).toBe("PermissionDenied");
    expect(e?.message).toMatch(/cannot be stat'ed.*nothing was moved/);
    expect(e?.message).not.toContain(other.toString("base64"));
    expect(e?.message).not.toContain(key.toString("base64"));
    expect((await owner.read("t")).toString()).toBe("precious bytes");
    expect((await owner.stat("l")).mode).toBe("link");
    // A plain object moves as before (its key-less stat sees it).
    const plain = open(workDir);
    await plain.write("f", "file");
    await stranger.move("f", "g");
    expect((await plain.read("g")).toString()).toBe("file");
    await expect(plain.stat("f")).rejects.toMatchObject({ code: "ObjectNotExist" });
  });

  it("over plain http, a move or createLink given a key fails with InvalidArgument before any request", async () => {
    const s = open(`/${randomUUID()}/`, randomBytes(32), plainHttp);
    plainHttp.resetStats();
    await expect(s.move("a", "b")).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(s.createLink("l", "t")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(plainHttp.stats().requests).toBe(0);
  });
});
