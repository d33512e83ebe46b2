import type { Body } from "../options.js";
import { bodySize, closeBody, isReadable } from "./body.js";

/**
 * Runs `work`, a call that takes the caller's `body` (`write`, `writeMultipart`, `writeAppend`),
 * and closes a streaming body when it fails, at any point: before reading it (an aborted signal, a
 * bad option or index, a capability missing), part-way or after. A Readable is destroyed (a file
 * stream closes its file) and an async iterator is returned ({@link closeBody}), so a caller that
 * gives up on failed calls in a loop leaks no file descriptor. Bytes and strings have nothing to
 * close: `work` then gets no controller.
 *
 * `work` gets a controller that is aborted on failure before the body is closed: a read of the
 * body still pending (a slow source) that `work` linked to its signal is stopped.
 *
 * A Readable body has an 'error' listener for as long as the call runs: one that fails before the
 * call reads it (the caller's signal aborting a read stream while an upload is being initiated)
 * would else raise an unhandled 'error' event, which ends the process. The call sees that error
 * when it reads the body (an errored stream throws it), or fails for its own reason first.
 * @throws whatever `work` throws, unchanged.
 */
export async function closingBodyOnFailure<T>(body: Body, work: (release: AbortController | undefined) => Promise<T>): Promise<T> {
  if (bodySize(body) !== undefined) return work(undefined);
  const release = new AbortController();
  const heard = (): void => undefined;
  const readable = isReadable(body) ? body : undefined;
  readable?.on("error", heard);
  try {
    const result = await work(release);
    readable?.off("error", heard);
    return result;
  } catch (e) {
    release.abort();
    // Still listened to (closeBody adds its own listener): an error it reports while closing, or late, is nobody's.
    closeBody(body);
    throw e;
  }
}
