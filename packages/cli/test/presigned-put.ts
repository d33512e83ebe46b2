/**
 * A PUT sent as another client would send it: through a presigned write, with headers core would
 * refuse (values outside printable ASCII, say) put on the request as they are.
 */
import { request } from "node:http";

/** A presigned request's URL and headers (what `Storager.presign` returns). */
export interface PresignedPut {
  url: string;
  headers: Record<string, string>;
}

/** Sends `pre` as a PUT of `body` with `headers` over its own; the answer's status. */
export function putPresigned(pre: PresignedPut, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(new URL(pre.url), { method: "PUT", headers: { ...pre.headers, ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}
