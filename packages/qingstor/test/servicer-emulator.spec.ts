/** Bucket listing pages through the emulator's ListBuckets offset/limit paging. */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, paginate, resolveOpenConfig, type Servicer } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { credentialsOf, qingstorService, QingStorServiceDriver } from "@stowage/qingstor";

let emu: Emulator;

/** A storager's connection string without its bucket and work_dir: a servicer takes neither. */
const servicerString = (storager: string): string => storager.replace(/:\/\/[^/?]*\/?[^?]*/, "://");
const names = ["pager-a", "pager-b", "pager-c", "pager-d", "pager-e"];

beforeAll(async () => {
  emu = await startEmulator({ provider: "qingstor", buckets: names });
});
afterAll(async () => {
  await emu.stop();
});

describe("qingstor servicer on the emulator", () => {
  it("lists every bucket across pages of two, each once, in order", async () => {
    const { config } = resolveOpenConfig(qingstorService, servicerString(emu.connectionString(names[0]!)), "servicer");
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
    const base = servicerString(emu.connectionString(names[0]!));
    const svc = newServicer(base);
    await expect(svc.create("abc12")).rejects.toMatchObject({ code: "InvalidArgument" });
    const listed: string[] = [];
    for await (const s of svc.list()) listed.push(s.info.name);
    expect(listed).not.toContain("abc12");
    expect((await svc.create("fresh-bucket")).info.name).toBe("fresh-bucket");
  });
});

describe("qingstor servicer list: buckets deleted or created mid-listing (offset paging)", () => {
  const many = ["shift-a", "shift-b", "shift-c", "shift-d", "shift-e", "shift-f", "shift-g"];

  /** A driver listing pages of two on a fresh emulator holding `many`, and that emulator's servicer. */
  async function fresh(): Promise<{ e: Emulator; driver: QingStorServiceDriver; svc: Servicer }> {
    const e = await startEmulator({ provider: "qingstor", buckets: many });
    const { config } = resolveOpenConfig(qingstorService, servicerString(e.connectionString(many[0]!)), "servicer");
    const svc = newServicer(servicerString(e.connectionString(many[0]!)));
    return { e, driver: new QingStorServiceDriver(credentialsOf(config), config.endpoint, config.location, {}, 2), svc };
  }

  it("a bucket already listed and deleted before the next page makes no other go unlisted", async () => {
    const { e, driver, svc } = await fresh();
    try {
      const seen: string[] = [];
      for await (const b of paginate((t) => driver.list(t, {}))) {
        seen.push(b.name);
        if (seen.length === 1) await svc.delete(b.name);
        if (seen.length > 20) throw new Error("the listing did not end");
      }
      expect(seen).toEqual(many);
    } finally {
      await e.stop();
    }
  });

  it("deleting every bucket as it is listed (a clean-up loop) still lists them all, each once", async () => {
    const { e, driver, svc } = await fresh();
    try {
      const seen: string[] = [];
      for await (const b of paginate((t) => driver.list(t, {}))) {
        seen.push(b.name);
        await svc.delete(b.name);
        if (seen.length > 20) throw new Error("the listing did not end");
      }
      expect(seen).toEqual(many);
    } finally {
      await e.stop();
    }
  });

  it("a bucket created before the offset mid-listing repeats none", async () => {
    const { e, driver, svc } = await fresh();
    try {
      const seen: string[] = [];
      for await (const b of paginate((t) => driver.list(t, {}))) {
        seen.push(b.name);
        if (seen.length === 3) await svc.create("shift-0");
        if (seen.length > 20) throw new Error("the listing did not end");
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((n) => n !== "shift-0")).toEqual(many);
    } finally {
      await e.stop();
    }
  });

  it("refuses a token it did not produce", async () => {
    const { e, driver } = await fresh();
    try {
      for (const token of ["2", "garbage", "[1,2]", '[1,null,[3]]', "[-1,null,[]]"]) {
        await expect(driver.list(token, {})).rejects.toMatchObject({ code: "InvalidArgument" });
      }
    } finally {
      await e.stop();
    }
  });
});
