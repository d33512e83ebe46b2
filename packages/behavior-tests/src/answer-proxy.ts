import type { IncomingMessage } from "node:http";
import { startProxy, type Proxy } from "./proxy.js";

/** Work a test does while a request it matches has been performed and its answer is held at the proxy. */
export interface AnswerHook {
  /** Whether `req` is the request to act on. */
  match(req: IncomingMessage): boolean;
  /** Runs once, after the answer to the first matching request arrived and before the proxy passes it on. */
  run(): Promise<void>;
}

/** A {@link startProxy} proxy that runs one {@link AnswerHook} at a time. */
export interface AnswerProxy extends Proxy {
  /** The hook armed for the next matching request; the proxy sets it back to undefined before running it. */
  hook: AnswerHook | undefined;
}

/**
 * A reverse proxy on 127.0.0.1 in front of `targetPort` (an emulator) that loses no answer but
 * holds the answer of the request its {@link AnswerProxy.hook} matches until the hook has run, so a
 * test can change the service between a request being performed and the client hearing of it.
 * `observe(req)` sees every request once its answer has arrived (before the hook).
 * @throws nothing itself; when a hook rejects, that request's answer is lost (its connection is reset).
 */
export async function startAnswerProxy(targetPort: number, observe?: (req: IncomingMessage) => void): Promise<AnswerProxy> {
  const state: { hook: AnswerHook | undefined } = { hook: undefined };
  const proxy = await startProxy(targetPort, {
    drop: async (req) => {
      observe?.(req);
      const hook = state.hook;
      if (hook !== undefined && hook.match(req)) {
        state.hook = undefined;
        return hook.run().then(
          () => false,
          () => true,
        );
      }
      return false;
    },
  });
  return {
    port: proxy.port,
    seen: proxy.seen,
    stop: () => proxy.stop(),
    get hook() {
      return state.hook;
    },
    set hook(h) {
      state.hook = h;
    },
  };
}
