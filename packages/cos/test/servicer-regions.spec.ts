/**
 * A COS servicer whose endpoint names a region (cos.<region>.myqcloud.com) and buckets of other
 * regions: the storagers `list` hands out (the endpoint's region's: COS lists no other there) reach
 * their bucket and report that region, and one opened with another region's location reaches its
 * bucket at that region's host (H1); `delete` takes the bucket's `location` (M1), and a
 * NoSuchBucket from a region's host for a bucket the account lists in another region is never a
 * success, even after a lost answer;
 * `delete` checks the name as `get` does before sending anything (M3); a listed bucket COS cannot
 * address is left out with a warning (M4).
 *
 * Region hosts reach the emulator (127.0.0.1) because `dns.lookup` resolves `*.myqcloud.com` to
 * 127.0.0.1 in this test process (`useLoopbackHosts`); the emulator holds a Host that names a region
 * to that region.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "@jest/globals";
import { newServicer, newStorager, type Servicer } from "@stowage/core";
import { bucketNames, checkDeleteRefusesNames, checkListedStoragers, checkStoragerReaches, checkUnlistedBuckets, listAllMyBucketsXml, useLoopbackHosts } from "@stowage/behavior-tests";
import { startEmulator, type Emulator } from "@stowage/emulator";
import { bucketAddress, hostInRegion } from "../src/addressing.js";
import "../src/index.js";

const HOME = "ap-guangzhou";
const FAR = "ap-beijing";
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
let emu: Emulator;

/** A servicer whose endpoint is `region`'s endpoint (on the emulator's port). */
const regional = (region: string, pairs = ""): Servicer =>
  newServicer(`cos://?credential=hmac:${emu.credential.accessKey}:${emu.credential.secretKey}&endpoint=http:cos.${region}.myqcloud.com:${emu.port}${QUICK}${pairs}`);
/** A servicer on the emulator's own host, which names no region and serves every region's buckets. */
const direct = (): Servicer => newServicer(`cos://?credential=hmac:${emu.credential.accessKey}:${emu.credential.secretKey}&endpoint=http:127.0.0.1:${emu.port}`);

useLoopbackHosts(/\.myqcloud\.com$/i, async () => {
  emu = await startEmulator({
    provider: "cos",
    region: HOME,
    buckets: [{ name: "gz-1250000000" }, { name: "bj-1250000000", region: FAR }, { name: "bj-drop-1250000000", region: FAR }, { name: "bj-lost-1250000000", region: FAR }],
  });
  return emu;
});

describe("cos: a region endpoint moved into a bucket's region", () => {
  it.each([
    ["cos.ap-guangzhou.myqcloud.com", FAR, "cos.ap-beijing.myqcloud.com"],
    ["cos-internal.ap-guangzhou.tencentcos.cn", FAR, "cos-internal.ap-beijing.tencentcos.cn"],
    ["cos.ap-guangzhou.myqcloud.com", "cn-south", "cn-south.myqcloud.com"],
    ["cn-south.myqcloud.com", FAR, "cos.ap-beijing.myqcloud.com"],
    ["cos.ap-guangzhou.myqcloud.com", HOME, "cos.ap-guangzhou.myqcloud.com"],
    ["cos.accelerate.myqcloud.com", FAR, "cos.accelerate.myqcloud.com"],
    ["cos.example.com", FAR, "cos.example.com"],
    ["127.0.0.1", FAR, "127.0.0.1"],
  ])("%s for %s → %s", (host, region, moved) => {
    expect(hostInRegion(host, region)).toBe(moved);
  });

  it("is where a bucket's requests go", () => {
    const endpoint = { protocol: "https" as const, host: "cos.ap-guangzhou.myqcloud.com", port: 443, url: "https://cos.ap-guangzhou.myqcloud.com" };
    expect(bucketAddress("bj-1250000000", FAR, { endpoint }).host).toBe("bj-1250000000.cos.ap-beijing.myqcloud.com");
    expect(bucketAddress("bj-1250000000", FAR, { endpoint, forcePathStyle: true })).toMatchObject({ host: "cos.ap-beijing.myqcloud.com", pathPrefix: "/bj-1250000000" });
  });
});

describe("cos servicer on a region endpoint, buckets in other regions (emulator)", () => {
  it("every storager list() gives reaches its bucket and reports the region it sends to", async () => {
    const listed = await checkListedStoragers(regional(HOME), (name) => (name.startsWith("gz-") ? HOME : FAR));
    // GET Service on a region endpoint lists that region's buckets only (COS, and the emulator as
    // COS documents it), so these are all of HOME.
    expect(listed).toContain("gz-1250000000");
    // The other region: a storager opened on the same endpoint with that region's location.
    const far = newStorager(`cos://bj-1250000000/?credential=hmac:${emu.credential.accessKey}:${emu.credential.secretKey}&endpoint=http:cos.${HOME}.myqcloud.com:${emu.port}&location=${FAR}`);
    await checkStoragerReaches(far, FAR, "far.txt");
  });

  it("delete reaches a bucket of another region with its location, also after a lost answer", async () => {
    const srv = regional(HOME);
    await srv.delete("bj-drop-1250000000", { location: FAR });
    emu.setFaults([{ kind: "reset", operation: "DeleteBucket", count: 1 }]);
    await srv.delete("bj-lost-1250000000", { location: FAR });
    expect(emu.faults()[0]!.fired).toBe(1);
    const left = await bucketNames(direct());
    expect(left).not.toContain("bj-drop-1250000000");
    expect(left).not.toContain("bj-lost-1250000000");
    expect(left).toContain("bj-1250000000");
  });

  it("delete checks the name before sending anything, and never shows what precedes an @", async () => {
    const srv = regional(HOME);
    emu.resetStats();
    await checkDeleteRefusesNames(srv, ["UPPER_case-1250000000", "x y", "a..b"], "b-1250000000");
    // Without an endpoint the name would go into a host name: nothing is sent either.
    const bare = newServicer(`cos://?credential=hmac:ak:sk&location=${HOME}&max_retries=0`);
    await expect(bare.delete("x y")).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(emu.stats().requests).toBe(0);
  });
});

/** A scripted COS: DELETE Bucket answers (in turn) `deletes`; GET Service lists `listed`. */
async function scripted(deletes: Array<"reset" | 404>, listed: Array<[string, string]>): Promise<{ server: http.Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(`${req.method} ${req.headers.host?.replace(/:\d+$/, "")}${req.url}`);
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "application/xml" });
        res.end(listAllMyBucketsXml(listed));
        return;
      }
      const answer = deletes.shift() ?? 404;
      if (answer === "reset") return void req.socket.destroy();
      res.writeHead(404, { "content-type": "application/xml" });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message><RequestId>r</RequestId></Error>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

describe("cos delete: NoSuchBucket from a region's host (scripted COS)", () => {
  const open = (host: string, port: number, pairs = ""): Servicer => newServicer(`cos://?credential=hmac:ak:sk&endpoint=http:${host}:${port}${QUICK}${pairs}`);

  it.each([
    ["a first attempt", [404] as Array<"reset" | 404>],
    ["a retry after a lost answer", ["reset", 404] as Array<"reset" | 404>],
  ])("%s is InvalidArgument naming the region GET Service lists the bucket in: nothing was deleted", async (_, deletes) => {
    const { server, port, seen } = await scripted([...deletes], [["bj-1250000000", FAR]]);
    try {
      const e = await open(`cos.${HOME}.myqcloud.com`, port).delete("bj-1250000000").then(() => undefined, (err: unknown) => err);
      expect(e).toMatchObject({ code: "InvalidArgument", op: "servicer_delete", message: expect.stringContaining(`is in region ${FAR}`) });
      expect((e as Error).message).toContain(`{ location: "${FAR}" }`);
      expect(seen.at(-1)).toBe(`GET cos.${HOME}.myqcloud.com/`);
      expect(seen.filter((s) => s.startsWith("DELETE"))).toEqual(deletes.map(() => `DELETE bj-1250000000.cos.${HOME}.myqcloud.com/`));
    } finally {
      server.close();
    }
  });

  it("a retry after a lost answer still succeeds when the bucket is not listed elsewhere", async () => {
    const { server, port, seen } = await scripted(["reset", 404], [["gz-1250000000", HOME]]);
    try {
      await open(`cos.${HOME}.myqcloud.com`, port).delete("bj-1250000000");
      expect(seen.map((s) => s.split(" ")[0])).toEqual(["DELETE", "DELETE", "GET"]);
    } finally {
      server.close();
    }
  });

  it("a first attempt's NoSuchBucket stays ObjectNotExist when it is not listed elsewhere, and needs no listing on a host that names no region", async () => {
    const { server, port, seen } = await scripted([404, 404], []);
    try {
      await expect(open(`cos.${HOME}.myqcloud.com`, port).delete("gone-1250000000")).rejects.toMatchObject({ code: "ObjectNotExist", serviceCode: "NoSuchBucket" });
      await expect(open("127.0.0.1", port, `&location=${HOME}`).delete("gone-1250000000")).rejects.toMatchObject({ code: "ObjectNotExist" });
      expect(seen.map((s) => s.split(" ")[0])).toEqual(["DELETE", "GET", "DELETE"]);
    } finally {
      server.close();
    }
  });

  it("list leaves out a bucket COS cannot address (a name or location the driver refuses), with one warning", async () => {
    await checkUnlistedBuckets((port) => open("127.0.0.1", port, `&location=${HOME}`), {
      listed: [["aaa-1250000000", HOME], ["Legacy_Bucket-1250000000", HOME], ["odd-1250000000", "AP Weird"], ["zzz-1250000000", FAR]],
      expected: [`aaa-1250000000@${HOME}`, `zzz-1250000000@${FAR}`],
      said: ["2 buckets in the cos bucket listing not listed", '"Legacy_Bucket-1250000000" (InvalidArgument: COS bucket', '"odd-1250000000" (InvalidArgument: invalid COS region'],
    });
  });
});
