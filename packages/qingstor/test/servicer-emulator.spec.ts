/** Bucket listing pages through the emulator's ListBuckets offset/limit paging. */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { resolveOpenConfig } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { credentialsOf, qingstorService, QingStorServiceDriver } from "@stowage/qingstor";

let emu: Emulator;
const names = ["pager-a", "pager-b", "pager-c", "pager-d", "pager-e"];

beforeAll(async () => {
  emu = await startEmulator({ provider: "qingstor", buckets: names });
});
afterAll(async () => {
  await emu.stop();
});

describe("qingstor servicer on the emulator", () => {
  it("lists every bucket across pages of two, each once, in order", async () => {
    const { config } = resolveOpenConfig(qingstorService, emu.connectionString(names[0]!), "servicer");
    const driver = new QingStorServiceDriver(credentialsOf(config), config.endpoint, config.location, {}, 2);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await driver.list(token, {});
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((b) => b.name));
      token = page.nextToken;
      pages++;
    } while (token !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...names].sort());
  });
});

describe("qingstor servicer: create", () => {
  it("refuses a bucket name the storager refuses before creating anything: no bucket is left behind", async () => {
    const { newServicer } = await import("@stowage/core");
    await import("../src/index.js");
    const base = emu.connectionString(names[0]!).replace(/:\/\/[^/?]*\/?[^?]*/, "://");
    const svc = newServicer(base);
    await expect(svc.create("abc12")).rejects.toMatchObject({ code: "InvalidArgument" });
    const listed: string[] = [];
    for await (const s of svc.list()) listed.push(s.info.name);
    expect(listed).not.toContain("abc12");
    expect((await svc.create("fresh-bucket")).info.name).toBe("fresh-bucket");
  });
});
