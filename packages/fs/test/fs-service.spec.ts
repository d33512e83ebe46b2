import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import type { OpenConfig } from "@stowage/core";
import { fsService } from "../src/definition.js";
import { FsStorageDriver } from "../src/storager.js";
import { expectCode, tree } from "./helpers.js";
import { sandbox, type Sandbox } from "./setup.js";

let s: Sandbox;
beforeEach(async () => {
  s = await sandbox();
});
afterEach(async () => {
  await s.cleanup();
});

describe("fs service definition", () => {
  it("requires work_dir, has no servicer and no presign, metadata or crc64", () => {
    expect(fsService).toMatchObject({ type: "fs", packageName: "@stowage/fs", pairs: {}, storagerRequires: ["work_dir"] });
    expect(fsService.newServiceDriver).toBeUndefined();
    const d = fsService.newStorageDriver({ workDir: s.root + "/" } as OpenConfig);
    expect(d).toBeInstanceOf(FsStorageDriver);
    expect(d.features).toMatchObject({
      presignRead: false, presignWrite: false, presignDelete: false, storageClass: false,
      userMetadata: false, contentType: false, crc64: false, contentMd5: true, virtualDir: false, multipart: true,
    });
  });
});

describe("fs driver: fetch", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/file") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("fetched body");
      } else if (req.url === "/broken") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
        setImmediate(() => res.destroy());
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

  it("streams the URL's body into place", async () => {
    await s.driver.fetch(s.key("f/data.txt"), `${base}/file`, {});
    expect(await readFile(join(s.root, "f/data.txt"), "utf8")).toBe("fetched body");
  });

  it("maps failures and leaves no partial file", async () => {
    await expectCode(s.driver.fetch(s.key("x"), `${base}/missing`, {}), "ObjectNotExist");
    await expectCode(s.driver.fetch(s.key("x"), `${base}/secret`, {}), "InvalidArgument");
    await expectCode(s.driver.fetch(s.key("x"), "ftp://example.invalid/x", {}), "InvalidArgument");
    // A body that breaks off is the network's failure, worth another try, not the filesystem's.
    await expect(s.driver.fetch(s.key("x"), `${base}/broken`, {})).rejects.toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(await tree(s.root)).toEqual([]);
  });
});

describe("fs package entry", () => {
  it("registers the fs scheme on import", async () => {
    const { getService } = await import("@stowage/core");
    const entry = await import("../src/index.js");
    expect(getService("fs")).toBe(entry.fsService);
    expect(entry.FsStorageDriver).toBe(FsStorageDriver);
  });
});
