import { safeDecode } from "../common/encoding.js";
import { hostName } from "../common/path-style.js";
import { ProtocolError } from "../common/protocol-error.js";
import { cosVirtualHostName } from "./router.js";

/** Bucket and key named by `x-cos-copy-source`. */
export interface CopySource {
  bucket: string;
  key: string;
}

/**
 * Parses `x-cos-copy-source`: `<bucket-appid>.cos.<region>.myqcloud.com[:port]/<urlencoded key>`
 * (the documented form; the port of an endpoint on another port, as the Host header carries it), or
 * path style `[host:port]/<bucket>/<key>` for clients of the emulator. A `?versionId=` suffix is ignored.
 * @throws ProtocolError `InvalidCopySource`
 */
export function parseCosCopySource(value: string): CopySource {
  let v = value.trim().replace(/^[a-z]+:\/\//i, "");
  const q = v.indexOf("?");
  if (q >= 0) v = v.slice(0, q);
  const slash = v.indexOf("/");
  const bad = (): never => {
    throw new ProtocolError("InvalidCopySource", "The source must be formatted as <bucket>.cos.<region>.myqcloud.com/<key>.");
  };
  if (slash < 0) return bad();
  const host = v.slice(0, slash);
  let rest = v.slice(slash + 1);
  // The host as a Host header names it: a virtual host with a port (an endpoint on another port) is still one.
  let bucket = cosVirtualHostName(hostName(host))?.bucket;
  if (bucket === undefined) {
    if (host !== "" && !host.includes(".") && !host.includes(":")) {
      bucket = host; // "<bucket>/<key>"
    } else {
      const s = rest.indexOf("/");
      if (s <= 0) return bad();
      bucket = rest.slice(0, s);
      rest = rest.slice(s + 1);
    }
  }
  const key = safeDecode(rest);
  if (key === undefined || key === "") return bad();
  return { bucket, key };
}
