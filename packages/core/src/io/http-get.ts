import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * The headers of a GET sent by {@link httpGet}: the bytes as they are (`Accept-Encoding: identity`),
 * any type, and a user agent (some servers refuse requests without one; `node`, as Node's fetch sends).
 */
const GET_HEADERS: Readonly<Record<string, string>> = Object.freeze({ "accept-encoding": "identity", accept: "*/*", "user-agent": "node" });

/**
 * Sends one GET of an http or https URL with node:http(s), which hands the body over as the server
 * sent it (never decoding a `Content-Encoding`), and resolves with the answer once its headers
 * arrived; redirects are not followed. `onRequest` gets the request as soon as it exists (to destroy
 * it on an abort). The request keeps an `error` listener for its whole life (an error after the
 * answer, such as a socket destroyed with the body, would otherwise be thrown as uncaught). A
 * socket idle for `idleMs` is destroyed: before the answer the promise rejects; during the body, the
 * body fails (its socket closed early).
 * @throws what node:http throws or emits (network failures, an idle socket): no StorageError, and
 *   no message of these names the URL's path or query.
 */
export function httpGet(url: string, idleMs: number, onRequest: (request: ClientRequest) => void): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(target, { method: "GET", headers: GET_HEADERS, timeout: idleMs });
    request.on("error", reject);
    request.on("timeout", () => request.destroy(new Error(`the source URL's server sent nothing for ${Math.round(idleMs / 1000)} s`)));
    request.once("response", resolve);
    onRequest(request);
    request.end();
  });
}
