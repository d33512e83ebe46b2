import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { request } from "node:http";
import { parseCliArgs } from "../src/cli/args.js";
import { runCli } from "../src/cli/run.js";
import { adminRefusal } from "../src/server/admin-guard.js";
import { adminHostName } from "../src/server/host-names.js";
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

describe("emulator admin routes: extra Host names (adminHosts, --admin-host)", () => {
  it("refuses a service name by default (the docker-compose set-up the option is for)", async () => {
    const emu = await startEmulator({ provider: "cos" });
    try {
      const r = await send(emu.port, "GET", "/_emulator/health", { host: `emulator:${emu.port}` });
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body).error).toMatch(/--admin-host/);
    } finally {
      await emu.stop();
    }
  });

  it("serves the names given, case-insensitively, with or without a port; still refuses others and any Origin", async () => {
    const emu = await startEmulator({ provider: "cos", adminHosts: ["Emulator", "stowage_emu.test"] });
    try {
      for (const host of [`emulator:${emu.port}`, "EMULATOR", "emulator", `stowage_emu.test:${emu.port}`, "127.0.0.1"]) {
        expect((await send(emu.port, "GET", "/_emulator/health", { host })).status).toBe(200);
      }
      const put = await send(emu.port, "PUT", "/_emulator/faults", { host: `emulator:${emu.port}`, "content-type": "application/json" }, RULE);
      expect(put.status).toBe(200);
      expect(emu.faults()).toHaveLength(1);
      for (const host of ["emulator.evil.example", "evil-emulator", "other"]) {
        expect((await send(emu.port, "DELETE", "/_emulator/faults", { host })).status).toBe(403);
      }
      const fromPage = await send(emu.port, "DELETE", "/_emulator/faults", { host: "emulator", origin: "http://emulator:9000" });
      expect(fromPage.status).toBe(403);
      expect(emu.faults()).toHaveLength(1);
    } finally {
      await emu.stop();
    }
  });

  it("refuses at start a name that is no host name, before listening", async () => {
    for (const bad of ["emulator:9000", "http://emulator", "*.example", "", "a b", "-emu", "emu/x", "a..b", "x".repeat(64)]) {
      await expect(startEmulator({ provider: "cos", adminHosts: [bad] })).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining("adminHosts") });
    }
  });

  it("--admin-host is repeatable, absent by default, and a bad name is refused with the flag named", () => {
    expect(parseCliArgs(["--provider", "cos", "--host", "0.0.0.0", "--admin-host", "emulator", "--admin-host", "Emu.Internal"]).options).toMatchObject({
      host: "0.0.0.0",
      adminHosts: ["emulator", "Emu.Internal"],
    });
    expect(parseCliArgs(["--provider", "cos"]).options.adminHosts).toBeUndefined();
    for (const bad of ["emulator:9000", "*", ""]) expect(() => parseCliArgs(["--provider", "cos", "--admin-host", bad])).toThrow(/--admin-host/);
  });

  it("an emulator started by the CLI with --admin-host answers that name", async () => {
    const emu = await runCli(["--provider", "oss", "--port", "0", "--admin-host", "emulator"], { log: () => undefined, warn: () => undefined });
    try {
      expect((await send(emu!.port, "GET", "/_emulator/stats", { host: `emulator:${emu!.port}` })).status).toBe(200);
      expect((await send(emu!.port, "GET", "/_emulator/stats", { host: "emulator2" })).status).toBe(403);
    } finally {
      await emu?.stop();
    }
  });
});

describe("adminHostName", () => {
  it("lower-cases host names and IP addresses; refuses ports, schemes, wildcards and bad labels", () => {
    expect(adminHostName("Emulator")).toBe("emulator");
    expect(adminHostName("my_service.Internal")).toBe("my_service.internal");
    expect(adminHostName("[FE80::1]")).toBe("fe80::1");
    expect(adminHostName("10.0.0.5")).toBe("10.0.0.5");
    expect(adminHostName("a".repeat(63))).toBe("a".repeat(63));
    for (const bad of ["emulator:9000", "[::1]:9000", "http://emu", "*.emu", "emu.", ".emu", "emu-", "é.example", "a".repeat(64), `${"a.".repeat(127)}ab`]) {
      expect(adminHostName(bad)).toBeUndefined();
    }
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

  it("accepts the extra names, and only them, whatever the port or case of the Host", () => {
    for (const host of ["emulator", "emulator:9000", "EMULATOR:9000", "minio_emu"]) {
      expect(adminRefusal({ host }, "0.0.0.0", ["emulator", "minio_emu"])).toBeUndefined();
      expect(adminRefusal({ host }, "0.0.0.0")).toMatch(/Host/);
    }
    expect(adminRefusal({ host: "emulator.evil.example" }, "0.0.0.0", ["emulator"])).toMatch(/Host/);
    expect(adminRefusal({ host: "emulator", origin: "http://emulator" }, "0.0.0.0", ["emulator"])).toMatch(/Origin/);
  });

  it("refuses an Origin, whatever the Host, and a Host that is another name or malformed", () => {
    expect(adminRefusal({ host: "127.0.0.1", origin: "null" }, "127.0.0.1")).toMatch(/Origin: "null"/);
    for (const host of ["evil.example", "localhost.evil.example", "my-box.lan.evil.example", "a b", "x@127.0.0.1", "127.0.0.1, evil.example", ""]) {
      expect(adminRefusal({ host }, "my-box.lan")).toMatch(/Host/);
    }
  });
});
