/**
 * An OSS servicer whose endpoint names a region (oss-<region>.aliyuncs.com), which lists the buckets
 * of every region: the storagers `list` hands out reach their bucket at its region's endpoint and
 * report that region, V1 and V4 alike (H1); `delete` takes the bucket's `location` (M1); `delete`
 * checks the name as `get` does before sending anything (M3); a listed bucket OSS cannot address is
 * left out with a warning (M4); V4 listing through an endpoint that names no region needs `location` (L1).
 *
 * Region hosts reach the emulator (127.0.0.1) because `dns.lookup` resolves `*.aliyuncs.com` to
 * 127.0.0.1 in this test process; the emulator holds a Host that names a region to that region.
 */
import dns from "node:dns";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { newServicer, newStorager, UNLISTED_BUCKETS_WARNING, type Servicer } from "@stowage/core";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { hostInRegion } from "../src/addressing.js";
import "../src/index.js";

const realLookup = dns.lookup;
/** `dns.lookup` answering 127.0.0.1 for `*.aliyuncs.com`, the real lookup for any other host. */
function loopbackLookup(host: string, options: unknown, callback?: unknown): void {
  const done = (typeof options === "function" ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === "object" && options !== null && (options as { all?: boolean }).all === true;
  if (!/\.aliyuncs\.com$/i.test(host)) return void (realLookup as (...args: unknown[]) => void)(host, options, callback);
  if (all) done(null, [{ address: "127.0.0.1", family: 4 }]);
  else done(null, "127.0.0.1", 4);
}

const HOME = "cn-hangzhou";
const FAR = "cn-beijing";
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
let emu: Emulator;

const keys = (): string => `credential=hmac:${emu.credential.accessKey}:${emu.credential.secretKey}`;
/** A servicer whose endpoint is `region`'s endpoint (on the emulator's port). */
const regional = (region: string, pairs = ""): Servicer => newServicer(`oss://?${keys()}&endpoint=http:oss-${region}.aliyuncs.com:${emu.port}${QUICK}${pairs}`);
/** A servicer on the emulator's own host, which names no region and serves every region's buckets. */
const direct = (pairs = ""): Servicer => newServicer(`oss://?${keys()}&endpoint=http:127.0.0.1:${emu.port}${pairs}`);

async function bucketNames(servicer: Servicer): Promise<string[]> {
  const out: string[] = [];
  for await (const s of servicer.list()) out.push(s.info.name);
  return out;
}

beforeAll(async () => {
  (dns as { lookup: unknown }).lookup = loopbackLookup;
  emu = await startEmulator({
    provider: "oss",
    region: HOME,
    buckets: [{ name: "hzbucket" }, { name: "bjbucket", region: FAR }, { name: "bjdrop", region: FAR }, { name: "bjlost", region: FAR }],
  });
});
afterAll(async () => {
  await emu.stop();
  (dns as { lookup: unknown }).lookup = realLookup;
});
afterEach(() => emu.setFaults([]));

describe("oss: a region endpoint moved into a bucket's region", () => {
  it.each([
    ["oss-cn-hangzhou.aliyuncs.com", FAR, "oss-cn-beijing.aliyuncs.com"],
    ["oss-cn-hangzhou-internal.aliyuncs.com", "oss-cn-beijing", "oss-cn-beijing-internal.aliyuncs.com"],
    ["oss-cn-hangzhou.aliyuncs.com", HOME, "oss-cn-hangzhou.aliyuncs.com"],
    ["oss-accelerate.aliyuncs.com", FAR, "oss-accelerate.aliyuncs.com"],
    ["oss-rg-china-mainland.aliyuncs.com", FAR, "oss-rg-china-mainland.aliyuncs.com"],
    ["oss.example.com", FAR, "oss.example.com"],
    ["127.0.0.1", FAR, "127.0.0.1"],
  ])("%s for %s → %s", (host, region, moved) => {
    expect(hostInRegion(host, region)).toBe(moved);
  });
});

describe("oss servicer on a region endpoint, buckets in other regions (emulator)", () => {
  it.each(["v1", "v4"])("every storager list() gives reaches its bucket and reports the region it sends to (%s)", async (version) => {
    const listed: string[] = [];
    for await (const store of regional(HOME, `&signature_version=${version}`).list()) {
      listed.push(store.info.name);
      expect(store.info.location).toBe(store.info.name.startsWith("hz") ? HOME : FAR);
      await store.write("probe.txt", store.info.name);
      expect((await store.read("probe.txt")).toString()).toBe(store.info.name);
      await store.delete("probe.txt");
    }
    // OSS lists every region's buckets on any endpoint.
    expect(listed).toEqual(expect.arrayContaining(["hzbucket", "bjbucket"]));
    const far = newStorager(`oss://bjbucket/?${keys()}&endpoint=http:oss-${HOME}.aliyuncs.com:${emu.port}&location=${FAR}&signature_version=${version}`);
    expect(far.info.location).toBe(FAR);
    await far.write("far.txt", "far");
    expect((await far.read("far.txt")).toString()).toBe("far");
    await far.delete("far.txt");
  });

  it("delete reaches a bucket of another region with its location (also after a lost answer), and is refused without it", async () => {
    const srv = regional(HOME);
    await expect(srv.delete("bjdrop")).rejects.toMatchObject({ code: "PermissionDenied", serviceCode: "AccessDenied" });
    await srv.delete("bjdrop", { location: FAR });
    emu.setFaults([{ kind: "reset", operation: "DeleteBucket", count: 1 }]);
    await regional(HOME, "&signature_version=v4").delete("bjlost", { location: `oss-${FAR}` });
    expect(emu.faults()[0]!.fired).toBe(1);
    const left = await bucketNames(direct());
    expect(left).not.toContain("bjdrop");
    expect(left).not.toContain("bjlost");
    expect(left).toContain("bjbucket");
  });

  it("delete checks the name before sending anything, and never shows what precedes an @", async () => {
    const srv = regional(HOME);
    emu.resetStats();
    for (const name of ["UPPER_case", "a..b", "ab"]) {
      await expect(srv.delete(name)).rejects.toMatchObject({ code: "InvalidArgument", op: "servicer_delete" });
    }
    const e = await srv.delete("ak:SECRET@bucket").catch((err: unknown) => err as Error & { path?: string });
    expect(e).toMatchObject({ code: "InvalidArgument", path: "***@bucket" });
    expect(e!.message).not.toContain("SECRET");
    expect(emu.stats().requests).toBe(0);
  });

  it("V4 listing through an endpoint that names no region needs location, as create does", async () => {
    emu.resetStats();
    for (const call of [() => bucketNames(direct("&signature_version=v4")), () => direct("&signature_version=v4").create("newbucket")]) {
      await expect(call()).rejects.toMatchObject({ code: "PairRequired", message: expect.stringContaining("OSS V4 signatures need the region") });
    }
    expect(emu.stats().requests).toBe(0);
    expect(await bucketNames(direct(`&signature_version=v4&location=${HOME}`))).toContain("hzbucket");
  });
});

describe("oss list: buckets OSS cannot address (scripted ListBuckets)", () => {
  it("are left out with one warning, and the listing goes on", async () => {
    const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const listed: Array<[string, string]> = [["aaabucket", `oss-${HOME}`], ["Legacy_B", `oss-${HOME}`], ["oddbucket", "AP Weird"], ["zzzbucket", `oss-${FAR}`]];
    const server = http.createServer((req, res) => {
      req.resume();
      const buckets = listed.map(([name, region]) => `<Bucket><Name>${name}</Name><Location>${region}</Location></Bucket>`).join("");
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>1</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const srv = newServicer(`oss://?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${(server.address() as AddressInfo).port}&max_retries=0`);
      const got: string[] = [];
      for await (const s of srv.list()) got.push(`${s.info.name}@${s.info.location}`);
      expect(got).toEqual([`aaabucket@${HOME}`, `zzzbucket@${FAR}`]);
      expect(warn).toHaveBeenCalledTimes(1);
      const [message, options] = warn.mock.calls[0] as [string, { code: string }];
      expect(options.code).toBe(UNLISTED_BUCKETS_WARNING);
      expect(message).toContain("2 buckets in the oss bucket listing not listed");
      expect(message).toContain('"Legacy_B" (InvalidArgument: OSS bucket');
      expect(message).toContain('"oddbucket" (InvalidArgument: invalid OSS region');
    } finally {
      warn.mockRestore();
      server.close();
    }
  });
});
