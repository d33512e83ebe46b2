import { afterEach, describe, expect, it } from "@jest/globals";
import { createHook } from "node:async_hooks";
import { request, type ClientRequest } from "node:http";
import COS from "cos-nodejs-sdk-v5";
import { startEmulator, type Emulator } from "../src/index.js";

const BUCKET = "delay-1250000000";
const REGION = "ap-guangzhou";
const cred = { accessKey: "AKIDdelay", secretKey: "delay-secret" };
/** The delay fault: far longer than any test here waits. */
const DELAY_MS = 60_000;

/** A node timer (`Timeout`): `_destroyed` once it fired or was cleared. */
interface NodeTimer {
  _idleTimeout?: number;
  _destroyed?: boolean;
}

/** Records every timer of `ms` created while enabled: whether the delay's sleep is still pending is then visible. */
function watchTimers(ms: number): { timers: NodeTimer[]; disable: () => void } {
  const timers: NodeTimer[] = [];
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === "Timeout" && (resource as NodeTimer)._idleTimeout === ms) timers.push(resource as NodeTimer);
    },
  }).enable();
  return { timers, disable: () => hook.disable() };
}

/** Polls `done` every 10 ms, at most `tries` times; true once it held. */
async function eventually(done: () => boolean, tries = 200): Promise<boolean> {
  for (let i = 0; i < tries && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return done();
}

/** Sends `method url` without a pooled socket; its failure (the connection closed) is expected and ignored. */
function send(method: string, url: string): ClientRequest {
  const req = request(url, { method, agent: false });
  req.on("error", () => undefined);
  req.end();
  return req;
}

let emu: Emulator | undefined;
let watch: ReturnType<typeof watchTimers> | undefined;

afterEach(async () => {
  watch?.disable();
  watch = undefined;
  await emu?.stop();
  emu = undefined;
});

describe("a delay fault never outlives its request", () => {
  it("stop() ends a pending delay: its timer is cleared, nothing keeps the process alive", async () => {
    emu = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: cred, region: REGION });
    emu.setFaults([{ kind: "delay", ms: DELAY_MS }]);
    watch = watchTimers(DELAY_MS);
    send("GET", `${emu.endpoint}/${BUCKET}/x`);
    expect(await eventually(() => emu!.stats().faultsByKind.delay === 1 && watch!.timers.length === 1)).toBe(true);
    expect(watch.timers[0]!._destroyed).toBe(false);
    await emu.stop();
    expect(await eventually(() => watch!.timers[0]!._destroyed === true)).toBe(true);
  });

  it("a client that goes away during the delay ends it, and its request is dropped, not carried out", async () => {
    emu = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: cred, region: REGION });
    const cos = new COS({ SecretId: cred.accessKey, SecretKey: cred.secretKey, Protocol: "http:", Domain: `127.0.0.1:${emu.port}/{Bucket}` } as COS.COSOptions);
    const params = { Bucket: BUCKET, Region: REGION, Key: "kept.txt" };
    await cos.putObject({ ...params, Body: "still here" });
    emu.setFaults([{ kind: "delay", ms: DELAY_MS, operation: "DeleteObject" }]);
    watch = watchTimers(DELAY_MS);
    const url = cos.getObjectUrl({ ...params, Sign: true, Method: "DELETE", Expires: 60 }, () => undefined);
    const req = send("DELETE", url);
    expect(await eventually(() => emu!.stats().faultsByKind.delay === 1 && watch!.timers.length === 1)).toBe(true);
    req.destroy();
    expect(await eventually(() => watch!.timers[0]!._destroyed === true)).toBe(true);
    emu.setFaults([]);
    const head = await cos.headObject(params);
    expect(head.statusCode).toBe(200);
    expect(emu.stats().byOperation["DeleteObject"]).toBe(1);
  });

  it("a delay that runs its course still answers", async () => {
    emu = await startEmulator({ provider: "cos", buckets: [BUCKET], credentials: cred, region: REGION });
    const cos = new COS({ SecretId: cred.accessKey, SecretKey: cred.secretKey, Protocol: "http:", Domain: `127.0.0.1:${emu.port}/{Bucket}` } as COS.COSOptions);
    const params = { Bucket: BUCKET, Region: REGION, Key: "slow.txt" };
    emu.setFaults([{ kind: "delay", ms: 30, operation: "PutObject", count: 1 }]);
    expect((await cos.putObject({ ...params, Body: "x" })).statusCode).toBe(200);
    expect((await cos.headObject(params)).statusCode).toBe(200);
    expect(emu.stats().faultsByKind.delay).toBe(1);
  });
});
