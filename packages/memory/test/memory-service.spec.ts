import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { OpenConfig } from "@stowage/core";
import { memoryService } from "../src/definition.js";
import { MemoryStorageDriver } from "../src/storager.js";
import { buf, drain, expectCode } from "./helpers.js";

const open = (name?: string): MemoryStorageDriver =>
  memoryService.newStorageDriver({ workDir: "/", ...(name === undefined ? {} : { name }) } as OpenConfig) as MemoryStorageDriver;

describe("memory service definition", () => {
  it("declares itself", () => {
    expect(memoryService).toMatchObject({ type: "memory", packageName: "@stowage/memory", pairs: {} });
    expect(memoryService.storagerRequires ?? []).toEqual([]);
    const d = open();
    expect(d.features.presignRead || d.features.presignWrite || d.features.presignDelete).toBe(false);
    expect(d.features).toMatchObject({ crc64: true, contentMd5: true, virtualDir: false, multipart: true, append: true, fetch: true });
  });

  it("shares named stores and keeps unnamed ones private", async () => {
    await open("shared-spec").write("k", buf("v"), {});
    expect((await open("shared-spec").stat("k", {})).size).toBe(1);
    await open().write("k", buf("v"), {});
    await expectCode(open().stat("k", {}), "ObjectNotExist");
    await open("shared-spec").delete("k", {});
  });
});

describe("memory servicer", () => {
  const service = memoryService.newServiceDriver!({ workDir: "/" } as OpenConfig);

  it("creates, lists and deletes named stores", async () => {
    await service.create("svc-spec-a", {});
    await expectCode(service.create("svc-spec-a", {}), "Conflict");
    const names = (await service.list(undefined, {})).items.map((i) => i.name);
    expect(names).toContain("svc-spec-a");
    await open("svc-spec-a").write("f", buf("x"), {});
    await expectCode(service.delete("svc-spec-a", {}), "Conflict");
    await open("svc-spec-a").delete("f", {});
    await service.delete("svc-spec-a", {});
    await expectCode(service.delete("svc-spec-a", {}), "ObjectNotExist");
    expect((await service.list(undefined, {})).items.map((i) => i.name)).not.toContain("svc-spec-a");
  });
});

describe("memory driver: fetch", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/file") {
        res.writeHead(200, { "content-type": "text/csv" });
        res.end("a,b\n1,2\n");
      } else {
        res.writeHead(req.url === "/secret" ? 403 : 404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("stores what the URL serves, with its content type", async () => {
    const d = open();
    await d.fetch("f/data.csv", `${base}/file`, {});
    expect((await drain((await d.read("f/data.csv", {}, {})).stream)).toString()).toBe("a,b\n1,2\n");
    expect((await d.stat("f/data.csv", {})).contentType).toBe("text/csv");
  });

  it("maps HTTP failures and refuses other schemes", async () => {
    const d = open();
    await expectCode(d.fetch("x", `${base}/missing`, {}), "ObjectNotExist");
    await expectCode(d.fetch("x", `${base}/secret`, {}), "InvalidArgument");
    await expectCode(d.fetch("x", "file:///etc/passwd", {}), "InvalidArgument");
    await expectCode(d.stat("x", {}), "ObjectNotExist");
  });
});

describe("memory package entry", () => {
  it("registers the memory scheme on import", async () => {
    const { getService } = await import("@stowage/core");
    const entry = await import("../src/index.js");
    expect(getService("memory")).toBe(entry.memoryService);
    expect(entry.MemoryStorageDriver).toBe(MemoryStorageDriver);
  });
});
