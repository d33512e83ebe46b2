import type { Provider } from "./common/operations.js";
import type { EmulatorCredential } from "./options.js";

/** What a connection string is built from. */
export interface ConnectionTarget {
  provider: Provider;
  endpoint: string;
  region: string;
  credential: EmulatorCredential;
}

/**
 * A Stowage connection string for `bucket` on an emulator:
 * `cos://<bucket>[/<workDir>]/?credential=hmac:<ak>:<sk>&endpoint=http:127.0.0.1:<port>&location=<region>`.
 * Keys are percent-encoded where needed.
 */
export function connectionString(t: ConnectionTarget, bucket: string, workDir = "/"): string {
  const url = new URL(t.endpoint);
  const endpoint = `${url.protocol.replace(/:$/, "")}:${url.host}`;
  const dir = "/" + workDir.replace(/^\/+/, "").replace(/\/*$/, "/").replace(/^\/$/, "");
  const cred = `hmac:${encodeURIComponent(t.credential.accessKey)}:${encodeURIComponent(t.credential.secretKey)}`;
  return `${t.provider}://${bucket}${dir === "/" ? "/" : dir}?credential=${cred}&endpoint=${endpoint}&location=${encodeURIComponent(t.region)}`;
}
