/**
 * The source of the fetch specs: an HTTP server on 127.0.0.1, at a port of its own, that the
 * emulator's QingStor fetch reads from, answering as the spec's `handler` says.
 */
import { afterAll, beforeAll } from "@jest/globals";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";

/** A started {@link startFetchSource source}. */
export interface FetchSource {
  /** `http://127.0.0.1:<port>`: a source URL is this and a path. */
  readonly base: string;
  /** Stops it, its connections cut first: a fetch still reading (an aborted one may be) does not hold it open. */
  stop(): Promise<void>;
}

/** Starts a source answering as `handler` says; stop it when done (in a `finally`). */
export async function startFetchSource(handler: RequestListener): Promise<FetchSource> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Registers a `beforeAll` that starts a source ({@link startFetchSource}) and an `afterAll` that
 * stops it, in the file or `describe` block this is called in. Read `base` in hooks and tests, not
 * while the file loads.
 */
export function useFetchSource(handler: RequestListener): Pick<FetchSource, "base"> {
  let source: FetchSource | undefined;
  beforeAll(async () => {
    source = await startFetchSource(handler);
  });
  afterAll(async () => {
    await source?.stop();
  });
  return {
    get base() {
      if (source === undefined) throw new Error("useFetchSource: the source starts in beforeAll; read its base in a hook or a test");
      return source.base;
    },
  };
}
