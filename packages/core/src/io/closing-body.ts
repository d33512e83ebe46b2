import type { Body } from "../options.js";
import { bodySize, closeBody } from "./body.js";

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
 * @throws whatever `work` throws, unchanged.
 */
export async function closingBodyOnFailure<T>(body: Body, work: (release: AbortController | undefined) => Promise<T>): Promise<T> {
  if (bodySize(body) !== undefined) return work(undefined);
  const release = new AbortController();
  try {
    return await work(release);
  } catch (e) {
    release.abort();
    closeBody(body);
    throw e;
  }
}
