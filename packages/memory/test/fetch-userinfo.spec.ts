/**
 * fetch with a `user:password@` URL is refused before any request, with InvalidArgument, and the
 * password appears nowhere in the error (message, cause, JSON).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { isStorageError, newStorager } from "@stowage/core";
import "../src/index.js";

let server: Server;
let port = 0;
let requests = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.end("body");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("fetch from a URL with credentials", () => {
  it.each(["alice:S3cretPassw0rd@", "alice@", ":S3cretPassw0rd@"])("refuses http://%s… with InvalidArgument before any request", async (userinfo) => {
    const store = newStorager("memory://fetch-userinfo/");
    let error: unknown;
    try {
      await store.fetch("x", `http://${userinfo}127.0.0.1:${port}/obj`);
    } catch (e) {
      error = e;
    }
    expect(isStorageError(error)).toBe(true);
    expect((error as { code: string }).code).toBe("InvalidArgument");
    expect(inspect(error, { depth: 5 })).not.toContain("S3cretPassw0rd");
    expect(JSON.stringify(error)).not.toContain("S3cretPassw0rd");
    expect(requests).toBe(0);
    expect(await store.stat("x").catch((e: { code: string }) => e.code)).toBe("ObjectNotExist");
  });

  it("still fetches a plain URL", async () => {
    const store = newStorager("memory://fetch-userinfo/");
    await store.fetch("y", `http://127.0.0.1:${port}/obj`);
    expect((await store.read("y")).toString()).toBe("body");
  });
});
