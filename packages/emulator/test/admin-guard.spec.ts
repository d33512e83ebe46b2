import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { request } from "node:http";
import { adminRefusal } from "../src/server/admin-guard.js";
import { startEmulator, type Emulator } from "../src/start-emulator.js";

/** One plain-HTTP request to the emulator's port with exactly these headers; resolves to the status and body. */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: { ...headers, ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const RULE = JSON.stringify({ kind: "flip-byte", operation: "PutObject" });

describe("emulator admin routes: requests from web pages and DNS rebinding", () => {
  let emu: Emulator;
  let here: string;
  beforeAll(async () => {
    emu = await startEmulator({ provider: "cos", buckets: ["adm-1250000000"] });
    here = `127.0.0.1:${emu.port}`;
  });
  afterAll(async () => {
    await emu.stop();
  });

  it("refuses a cross-origin text/plain POST (a CORS simple request) and installs nothing", async () => {
    const r = await send(emu.port, "POST", "/_emulator/faults", { host: here, origin: "http://evil.example", "content-type": "text/plain;charset=UTF-8" }, RULE);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toMatch(/Origin/);
    expect(emu.faults()).toEqual([]);
  });

  it("refuses a request whose Host is a foreign name (rebinding), for writes and reads", async () => {
    const put = await send(emu.port, "PUT", "/_emulator/faults", { host: `rebind.evil.example:${emu.port}`, "content-type": "text/plain" }, RULE);
    expect(put.status).toBe(403);
    expect(JSON.parse(put.body).error).toMatch(/Host/);
    expect(emu.faults()).toEqual([]);
    expect((await send(emu.port, "GET", "/_emulator/stats", { host: "rebind.evil.example" })).status).toBe(403);
    expect((await send(emu.port, "GET", "/_emulator/faults", { host: "127.0.0.1.evil.example" })).status).toBe(403);
    expect((await send(emu.port, "DELETE", "/_emulator/stats", { host: "evil.example@127.0.0.1" })).status).toBe(403);
  });

  it("refuses a same-origin request of a rebinding page (Origin and Host both foreign)", async () => {
    const r = await send(emu.port, "POST", "/_emulator/faults", { host: "rebind.evil.example", origin: "http://rebind.evil.example", "content-type": "application/json" }, RULE);
    expect(r.status).toBe(403);
    expect(emu.faults()).toEqual([]);
  });

  it("serves local tools: IP and localhost Hosts, any content type (curl -d, fetch with a string body)", async () => {
    for (const host of [here, `localhost:${emu.port}`, "localhost", `[::1]:${emu.port}`, "LOCALHOST"]) {
      expect((await send(emu.port, "GET", "/_emulator/health", { host })).status).toBe(200);
    }
    const form = await send(emu.port, "POST", "/_emulator/faults", { host: here, "content-type": "application/x-www-form-urlencoded" }, RULE);
    expect(form.status).toBe(200);
    const plain = await send(emu.port, "PUT", "/_emulator/faults", { host: `localhost:${emu.port}`, "content-type": "text/plain;charset=UTF-8" }, RULE);
    expect(plain.status).toBe(200);
    expect(emu.faults()).toHaveLength(1);
    const viaFetch = await fetch(`${emu.endpoint}/_emulator/faults`, { method: "DELETE" });
    expect(viaFetch.status).toBe(204);
    expect(emu.faults()).toEqual([]);
  });

  it("leaves object requests alone: an Origin or any Host on a bucket request is no admin matter", async () => {
    const r = await send(emu.port, "GET", "/adm-1250000000/_emulator/faults", { host: "rebind.evil.example", origin: "http://evil.example" });
    // Unsigned, so the COS front-end answers with its own error document, not the admin refusal.
    expect(r.body).toMatch(/<Error>/);
    expect(r.body).not.toMatch(/admin routes/);
  });
});

describe("adminRefusal", () => {
  it("accepts IP literals, localhost names and the configured host, with or without a port", () => {
    for (const host of ["127.0.0.1", "127.0.0.1:9000", "[::1]:9000", "192.168.1.20:9000", "[fe80::1]", "localhost:9000", "emu.localhost", "my-box.lan:9000", "MY-BOX.lan"]) {
      expect(adminRefusal({ host }, "my-box.lan")).toBeUndefined();
    }
    // No Host at all (HTTP/1.0): no browser sends that.
    expect(adminRefusal({}, "127.0.0.1")).toBeUndefined();
    expect(adminRefusal({ host: "[::1]:9000" }, "[::1]")).toBeUndefined();
  });

  it("refuses an Origin, whatever the Host, and a Host that is another name or malformed", () => {
    expect(adminRefusal({ host: "127.0.0.1", origin: "null" }, "127.0.0.1")).toMatch(/Origin: "null"/);
    for (const host of ["evil.example", "localhost.evil.example", "my-box.lan.evil.example", "a b", "x@127.0.0.1", "127.0.0.1, evil.example", ""]) {
      expect(adminRefusal({ host }, "my-box.lan")).toMatch(/Host/);
    }
  });
});
