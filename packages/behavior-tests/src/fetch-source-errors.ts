import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { isStorageError, type Storager, type StorageError } from "@stowage/core";

/** A storager to fetch into, opened afresh for each case of {@link runFetchSourceErrorSuite}. */
export interface FetchSourceTarget {
  store: Storager;
  /** What the failed fetch left stored (the suite expects nothing). */
  leftovers(): Promise<string[]>;
  /** Removes what `open` made (after the case). */
  cleanup?(): Promise<void>;
}

/**
 * Registers `describe(name)`: `fetch` from a failing source. A source that refuses the connection
 * is a retryable `ServiceInternal` (as QingStor's own fetch reports it), and a source that answers
 * 401 or 403 is `InvalidArgument` with the source's status, never `PermissionDenied` (kept for the
 * storage refusing the caller); nothing is stored, and no message names the URL's query. The
 * source is a server on 127.0.0.1 the suite starts (answering `/<status>` with that status) and a
 * port nothing listens on.
 * @throws nothing itself.
 */
export function runFetchSourceErrorSuite(name: string, open: () => Promise<FetchSourceTarget>): void {
  describe(name, () => {
    let server: Server | undefined;
    let base = "";
    let closedBase = "";
    let target: FetchSourceTarget | undefined;

    beforeAll(async () => {
      // A port nothing listens on: a server's, closed.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      closedBase = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise((resolve) => closed.close(resolve));
      const s = createServer((req, res) => {
        const status = Number(/^\/(\d{3})/.exec(req.url ?? "")?.[1] ?? 200);
        res.writeHead(status, { "content-length": "4" }).end("body");
      });
      server = s;
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      const s = server;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    });
    afterEach(async () => {
      await target?.cleanup?.();
      target = undefined;
    });

    async function fetchFailure(url: string): Promise<{ error: StorageError; left: string[] }> {
      target = await open();
      const error = await target.store.fetch("f", url).then(
        () => {
          throw new Error("expected the fetch to fail");
        },
        (e: unknown) => e,
      );
      if (!isStorageError(error)) throw error;
      return { error, left: await target.leftovers() };
    }

    it("a refused connection is a retryable ServiceInternal, nothing stored", async () => {
      const { error, left } = await fetchFailure(`${closedBase}/x?sig=s3cretSignature`);
      expect(error.code).toBe("ServiceInternal");
      expect(error.retryable).toBe(true);
      expect(inspect(error, { depth: 8 })).not.toMatch(/s3cretSignature/);
      expect(left).toEqual([]);
    });

    it.each([401, 403])("a source's %i is InvalidArgument with its status, not retryable, never PermissionDenied", async (status) => {
      const { error, left } = await fetchFailure(`${base}/${status}?sig=s3cretSignature`);
      expect(error.code).toBe("InvalidArgument");
      expect(error.retryable).toBe(false);
      expect(error.statusCode).toBe(status);
      expect(error.detail).toContain(`answered ${status}`);
      expect(inspect(error, { depth: 8 })).not.toMatch(/s3cretSignature/);
      expect(left).toEqual([]);
    });
  });
}
