/**
 * An OSS servicer whose endpoint names a region (oss-<region>.aliyuncs.com), which lists the buckets
 * of every region: the storagers `list` hands out reach their bucket at its region's endpoint and
 * report that region, V1 and V4 alike (H1); `delete` takes the bucket's `location` (M1); `delete`
 * checks the name as `get` does before sending anything (M3); a listed bucket OSS cannot address is
 * left out with a warning (M4); V4 listing through an endpoint that names no region needs `location` (L1).
 *
 * Region hosts reach the emulator (127.0.0.1) because `dns.lookup` resolves `*.aliyuncs.com` to
 * 127.0.0.1 in this test process (`useLoopbackHosts`); the emulator holds a Host that names a region
 * to that region.
 */
import { describe, expect, it } from "@jest/globals";
import { newServicer, newStorager, type Servicer } from "@stowage/core";
import { bucketNames, checkDeleteRefusesNames, checkListedStoragers, checkStoragerReaches, checkUnlistedBuckets, useLoopbackHosts } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { hostInRegion } from "../src/addressing.js";
import "../src/index.js";

const HOME = "cn-hangzhou";
const FAR = "cn-beijing";
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
let emu: Emulator;

const keys = (): string => `credential=hmac:${emu.credential.accessKey}:${emu.credential.secretKey}`;
/** A servicer whose endpoint is `region`'s endpoint (on the emulator's port). */
const regional = (region: string, pairs = ""): Servicer => newServicer(`oss://?${keys()}&endpoint=http:oss-${region}.aliyuncs.com:${emu.port}${QUICK}${pairs}`);
/** A servicer on the emulator's own host, which names no region and serves every region's buckets. */
const direct = (pairs = ""): Servicer => newServicer(`oss://?${keys()}&endpoint=http:127.0.0.1:${emu.port}${pairs}`);

useLoopbackHosts(/\.aliyuncs\.com$/i, async () => {
  emu = await startEmulator({
    provider: "oss",
    region: HOME,
    buckets: [{ name: "hzbucket" }, { name: "bjbucket", region: FAR }, { name: "bjdrop", region: FAR }, { name: "bjlost", region: FAR }],
  });
  return emu;
});

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
    const listed = await checkListedStoragers(regional(HOME, `&signature_version=${version}`), (name) => (name.startsWith("hz") ? HOME : FAR));
    // OSS lists every region's buckets on any endpoint.
    expect(listed).toEqual(expect.arrayContaining(["hzbucket", "bjbucket"]));
    const far = newStorager(`oss://bjbucket/?${keys()}&endpoint=http:oss-${HOME}.aliyuncs.com:${emu.port}&location=${FAR}&signature_version=${version}`);
    await checkStoragerReaches(far, FAR, "far.txt");
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
    await checkDeleteRefusesNames(srv, ["UPPER_case", "a..b", "ab"], "bucket");
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
    await checkUnlistedBuckets((port) => newServicer(`oss://?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${port}&max_retries=0`), {
      listed: [["aaabucket", `oss-${HOME}`], ["Legacy_B", `oss-${HOME}`], ["oddbucket", "AP Weird"], ["zzzbucket", `oss-${FAR}`]],
      expected: [`aaabucket@${HOME}`, `zzzbucket@${FAR}`],
      said: ["2 buckets in the oss bucket listing not listed", '"Legacy_B" (InvalidArgument: OSS bucket', '"oddbucket" (InvalidArgument: invalid OSS region'],
    });
  });
});
