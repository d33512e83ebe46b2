// The COS verifier takes only the canonical q-sign form protocols.md §1.1 gives (review-cos-wire L1):
// q-sign-time present, name lists in lower case and sorted, the signature in lower-case hex, a time
// window that starts before it ends. Each URL below carries a signature that is right for the
// canonical form, so only the stray part is wrong (the verifier used to mend it and answer 200).
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { cosSignature } from "../src/cos/signature.js";
import { startEmulator, type Emulator } from "../src/index.js";

const BUCKET = "canonical-1250000000";
const nowSec = (): number => Math.floor(Date.now() / 1000);
const window = (from: number, to: number): string => `${nowSec() + from};${nowSec() + to}`;

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ provider: "cos", buckets: [BUCKET] });
  expect((await fetch(url({}), { method: "PUT", body: Buffer.from("hello") })).status).toBe(200);
});
afterAll(() => emu.stop());

interface Stray {
  /** The q-header-list sent (the signature is over `content-length;host` or `host` alone). */
  headerList?: string;
  upperHex?: boolean;
  noSignTime?: boolean;
  time?: string;
  method?: string;
}

/** A presigned URL for `/o.txt` signed over the canonical form, then sent with `stray` applied. */
function url(stray: Stray): string {
  const method = stray.method ?? "PUT";
  const time = stray.time ?? window(-60, 600);
  const host = `127.0.0.1:${emu.port}`;
  const signed = method === "GET" ? ["host"] : ["content-length", "host"];
  const headers: Record<string, string> = method === "GET" ? { host } : { host, "content-length": "5" };
  const signature = cosSignature(emu.credential.secretKey, { method, pathname: "/o.txt", query: [], headers }, { keyTime: time, signTime: time, headerList: signed, urlParamList: [] });
  const q = new URLSearchParams([
    ["q-sign-algorithm", "sha1"],
    ["q-ak", emu.credential.accessKey],
    ...(stray.noSignTime ? [] : [["q-sign-time", time] as [string, string]]),
    ["q-key-time", time],
    ["q-header-list", stray.headerList ?? signed.join(";")],
    ["q-url-param-list", ""],
    ["q-signature", stray.upperHex ? signature.toUpperCase() : signature],
  ]);
  return `http://127.0.0.1:${emu.port}/${BUCKET}/o.txt?${q.toString()}`;
}

async function status(u: string, method = "PUT"): Promise<[number, string | undefined]> {
  const res = await fetch(u, method === "PUT" ? { method, body: Buffer.from("hello") } : { method });
  return [res.status, /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1]];
}

describe("COS: only the canonical q-sign form is taken", () => {
  it("the canonical form is served (the cases below differ from it in one part)", async () => {
    expect(await status(url({}))).toEqual([200, undefined]);
    expect(await status(url({ method: "GET" }), "GET")).toEqual([200, undefined]);
  });

  it.each([
    ["upper-case names", "Content-Length;Host"],
    ["names out of order", "host;content-length"],
    ["a name twice", "content-length;content-length;host"],
  ])("a q-header-list with %s is refused 403 SignatureDoesNotMatch", async (_what, headerList) => {
    expect(await status(url({ headerList }))).toEqual([403, "SignatureDoesNotMatch"]);
  });

  it("a q-signature in upper-case hex is refused 403 SignatureDoesNotMatch", async () => {
    expect(await status(url({ upperHex: true }))).toEqual([403, "SignatureDoesNotMatch"]);
  });

  it("a missing q-sign-time is refused 403 AccessDenied", async () => {
    expect(await status(url({ noSignTime: true }))).toEqual([403, "AccessDenied"]);
  });

  it("a time window that starts after it ends is refused 403 AccessDenied", async () => {
    expect(await status(url({ time: window(10, 5) }))).toEqual([403, "AccessDenied"]);
  });
});
