import type { Provider } from "./common/operations.js";
import type { EmulatorCredential } from "./options.js";

/** What a connection string is built from. */
export interface ConnectionTarget {
  provider: Provider;
  endpoint: string;
  region: string;
  credential: EmulatorCredential;
  /**
   * The CA to trust, as the `tls_ca` pair takes it: a PEM certificate, or the absolute path of a
   * file holding one. Absent: the string has no `tls_ca`.
   */
  tlsCa?: string | undefined;
}

// `%` (escape), `?` (starts the query), `#`, `&`, space, and control characters (C0, DEL, C1).
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_PATH = /[%?#& \u0000-\u001f\u007f-\u009f]/g;

/** The work_dir as it goes into a connection string: `/` kept, characters the parser reads specially percent-encoded. */
function encodeWorkDir(dir: string): string {
  return dir.replace(UNSAFE_IN_PATH, (c) => encodeURIComponent(c));
}

/**
 * A Stowage connection string for `bucket` on an emulator:
 * `cos://<bucket>[/<workDir>]/?credential=hmac:<ak>:<sk>&endpoint=http:127.0.0.1:<port>&location=<region>`.
 * `workDir` is taken as the work_dir itself, not as connection-string text: `%`, `?`, `#`, `&`,
 * spaces and control characters in it are percent-encoded (so `/a%2Fb/` opens the directory
 * `a%2Fb/`, not `a/b/`); `/` separates its segments. Leading `/`s are dropped and it gets one
 * trailing `/`. The access key, secret key and region are percent-encoded too. With `tlsCa` the
 * string ends in `&tls_ca=<tlsCa>`, percent-encoded except for `/`.
 * `newStorager` refuses a work_dir that breaks the path rules. A secret key holding `:` cannot be
 * written so (Stowage splits `hmac:<ak>:<sk>[:<token>]` at `:`, even percent-encoded): the string
 * would name a shorter secret and a security token; the CLI prints none for one.
 * @throws TypeError (`ERR_INVALID_URL`) when `t.endpoint` is not a URL; URIError for an access key,
 *   secret key, region or `tlsCa` with a lone surrogate.
 */
export function connectionString(t: ConnectionTarget, bucket: string, workDir = "/"): string {
  const url = new URL(t.endpoint);
  const endpoint = `${url.protocol.replace(/:$/, "")}:${url.host}`;
  const dir = "/" + workDir.replace(/^\/+/, "").replace(/\/*$/, "/").replace(/^\/$/, "");
  const cred = `hmac:${encodeURIComponent(t.credential.accessKey)}:${encodeURIComponent(t.credential.secretKey)}`;
  const trust = t.tlsCa === undefined ? "" : `&tls_ca=${encodeURIComponent(t.tlsCa).replace(/%2F/g, "/")}`;
  return `${t.provider}://${bucket}${dir === "/" ? "/" : encodeWorkDir(dir)}?credential=${cred}&endpoint=${endpoint}&location=${encodeURIComponent(t.region)}${trust}`;
}
