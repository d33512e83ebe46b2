// The words after `HTTP <status>` in the message of an error answer that has no error document
// (HEAD answers, a proxy's bare status): what the status most likely means, SSE-C included.

/** What a failure may owe to SSE-C: the request carried a customer key (`keyed`), or is a HEAD without one (`head`). */
export type SseCContext = "keyed" | "head";

const BARE_STATUS: Readonly<Record<number, string>> = {
  304: " (not modified)",
  401: " (not authenticated; the answer has no body to say why: check the credential)",
  403: " (access denied; the answer has no body to say why: check the credential and its permissions)",
  404: " (no such object, or no such bucket)",
  408: " (request timeout: the request did not arrive in time)",
  412: " (precondition failed)",
  425: " (too early: the server would not risk processing a request that might be replayed)",
};

const BARE_STATUS_KEYED: Readonly<Record<number, string>> = {
  400: " (bad request; the answer has no body to say why: the SSE-C customer key the request carried may be wrong, or the object not encrypted with one)",
  403: " (access denied; the answer has no body to say why: the SSE-C customer key the request carried may not be the one the object was written with; else check the credential and its permissions)",
};

/**
 * {@link SseCContext} of `request`: `"keyed"` when it carries one of `algorithmHeaders` (the
 * SSE-C algorithm headers of the object and of a copy source: their presence says a key was
 * sent; the key itself is never looked at), `"head"` for a HEAD without one, else undefined.
 * @throws nothing.
 */
export function sseCContext(request: { method: string; headers: Readonly<Record<string, string>> } | undefined, algorithmHeaders: readonly string[]): SseCContext | undefined {
  if (request === undefined) return undefined;
  if (algorithmHeaders.some((h) => request.headers[h] !== undefined)) return "keyed";
  return request.method === "HEAD" ? "head" : undefined;
}

/**
 * The hint for an answer of `status` without an error document (`""` when there is none to give):
 * with `sseC`, a 400 or 403 names the SSE-C customer key (a HEAD without one may need it: the
 * pair to give is `keyPair`). Never contains a key.
 * @throws nothing.
 */
export function bareStatusHint(status: number, sseC?: SseCContext, keyPair = "the SSE-C customer key pair"): string {
  if (sseC === "keyed") return BARE_STATUS_KEYED[status] ?? BARE_STATUS[status] ?? "";
  if (sseC === "head" && status === 400) {
    return ` (bad request; the answer has no body to say why: if the object was written with an SSE-C customer key, a HEAD needs that key: give it with \`${keyPair}\`)`;
  }
  return BARE_STATUS[status] ?? "";
}

/** What a status means, for an answer whose body is not the service's error document. */
const FOREIGN_STATUS: Readonly<Record<number, string>> = {
  400: "bad request",
  401: "not authenticated",
  403: "access denied",
  404: "no such object, or no such bucket",
  405: "method not allowed",
  409: "conflict",
  412: "precondition failed",
  413: "request too large",
  416: "range not satisfiable",
};

/**
 * The hint for an answer of `status` whose body is not `service`'s error document (a proxy's or
 * gateway's HTML page, plain text): what the status means, and that the body is not the service's
 * error format, naming its media type (`contentType`, only when it has the `type/subtype` form;
 * parameters dropped). Never contains the body, which may hold anything.
 * @throws nothing.
 */
export function foreignBodyHint(status: number, contentType: string | undefined, service: string): string {
  const type = /^\s*([\w.+-]{1,40}\/[\w.+-]{1,60})\s*(?:;|$)/.exec(contentType ?? "")?.[1]?.toLowerCase();
  const meaning = FOREIGN_STATUS[status];
  return ` (${meaning === undefined ? "" : `${meaning}; `}the answer's body${type === undefined ? "" : ` (${type})`} is not ${/^[aeiou]/i.test(service) ? "an" : "a"} ${service} error document: a proxy or gateway may have answered)`;
}
