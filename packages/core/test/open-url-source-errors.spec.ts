/**
 * `openUrl` (the fs and memory drivers' `fetch`) reports a failing source by what failed: a source
 * that cannot be reached is a retryable `ServiceInternal` (as a service's own fetch reports it), and
 * a source that answers 401 or 403 is `InvalidArgument` with that status, never `PermissionDenied`
 * (which means the storage refused the caller's credential). No message names the URL's query.
 */
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "@jest/globals";
import { openUrl } from "../src/io/open-url.js";
import { failure, reply, startTestServer, type TestServer } from "./http-test-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A port on 127.0.0.1 nothing listens on (a server's, closed). */
async function closedPort(): Promise<number> {
  const s = await startTestServer((_req, res) => reply(res, 200));
  await s.close();
  return s.port;
}

describe("openUrl: a failing source", () => {
  it("a refused connection is a retryable ServiceInternal naming the socket's code, not the query", async () => {
    const port = await closedPort();
    const e = await failure(openUrl(`http://127.0.0.1:${port}/x?sig=s3cretSignature`));
    expect(e.code).toBe("ServiceInternal");
    expect(e.retryable).toBe(true);
    expect(e.detail).toContain("ECONNREFUSED");
    expect(inspect(e, { depth: 8 })).not.toMatch(/s3cretSignature/);
  });

  it("a TLS failure (an https URL whose server speaks plain HTTP) is InvalidArgument, not retryable", async () => {
    server = await startTestServer((_req, res) => reply(res, 200, "plain"));
    const e = await failure(openUrl(`https://127.0.0.1:${server.port}/x?sig=s3cretSignature`));
    expect(e.code).toBe("InvalidArgument");
    expect(e.retryable).toBe(false);
    expect(e.detail).toContain("TLS");
    expect(inspect(e, { depth: 8 })).not.toMatch(/s3cretSignature/);
  });

  it.each([401, 403])("a %i answer is InvalidArgument (not retryable) with the source's status, never PermissionDenied", async (status) => {
    server = await startTestServer((_req, res) => reply(res, status, "<Error>AccessDenied</Error>"));
    const e = await failure(openUrl(`http://127.0.0.1:${server.port}/obj?sig=s3cretSignature`));
    expect(e.code).toBe("InvalidArgument");
    expect(e.retryable).toBe(false);
    expect(e.statusCode).toBe(status);
    expect(e.detail).toContain(`answered ${status}`);
    expect(inspect(e, { depth: 8 })).not.toMatch(/s3cretSignature|\/obj/);
    expect(JSON.stringify(e)).not.toMatch(/s3cretSignature/);
  });
});
