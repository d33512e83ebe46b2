import type { HttpClient } from "./http-client.js";
import type { HttpRequest } from "./http-request.js";

/** How much of a probe's answer is read: an error document's worth. */
const PROBE_BODY_LIMIT = 64 * 1024;

/**
 * Sends refused HEAD `head` again as a GET of the object's first byte, whose answer (unlike a
 * HEAD's) carries an error document naming the refusal's code: the same request and headers (so
 * SSE-C keys too), signed afresh by `http`, without its `If-Match` / `If-None-Match` (a condition
 * that does not hold would answer 412 or 304 instead of the refusal). It is sent once (`once`: no
 * retry, no re-send after a renewal) and its answer read no further than an error document:
 * `{ status, body }` for a 401 or 403 (the body to parse), `{ status }` for anything else (its body
 * discarded). Undefined on a network failure, a timeout or an abort (`signal`).
 * @throws nothing.
 */
export async function probeRefusedHead(http: HttpClient, head: HttpRequest, signal: AbortSignal | undefined): Promise<{ status: number; body?: Buffer } | undefined> {
  const headers: Record<string, string> = { ...head.headers, range: "bytes=0-0" };
  delete headers["authorization"];
  delete headers["if-match"];
  delete headers["if-none-match"];
  const probe: HttpRequest = { ...head, method: "GET", headers, operation: "probe_refused_head" };
  delete probe.body;
  try {
    const res = await http.send(probe, { accept: () => true, signal, once: true });
    if (res.status !== 401 && res.status !== 403) {
      res.stream().destroy();
      return { status: res.status };
    }
    return { status: res.status, body: await res.buffer(PROBE_BODY_LIMIT) };
  } catch {
    return undefined;
  }
}
