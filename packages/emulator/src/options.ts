import type { Provider } from "./common/operations.js";
import type { FaultRule } from "./faults/fault-rule.js";

/** An access key pair the emulator accepts. */
export interface EmulatorCredential {
  accessKey: string;
  secretKey: string;
  /** When set, requests must carry this security token (`x-cos-security-token`, `x-oss-security-token`). */
  securityToken?: string;
}

/** A bucket created at start. */
export interface EmulatorBucket {
  name: string;
  /** Defaults to the emulator's region. */
  region?: string;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Which protocol to speak: `"cos"`, `"oss"` or `"qingstor"`. */
  provider: Provider;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /**
   * Interface to listen on; default `127.0.0.1`. A host beyond loopback (`0.0.0.0`) lets other
   * machines use the buckets with the credential, and the admin routes, which have no authentication
   * (they answer only a `Host` that is an IP address, `localhost`, this host or one of `adminHosts`,
   * and no `Origin`).
   */
  host?: string;
  /**
   * More `Host` names the admin routes answer, besides IP addresses, `localhost` and `host`: e.g.
   * `["emulator"]` when, started on `0.0.0.0` in docker-compose, it is called as
   * `http://emulator:9000/_emulator/...`. Compared case-insensitively, without the port. Each must be
   * a host name (letters, digits, `-`, `_`, dot-separated labels) or an IP address, with no port or
   * wildcard; default none. Requests with an `Origin` header are refused whatever their `Host`.
   */
  adminHosts?: readonly string[];
  /** Accepted credentials; default one pair, {@link DEFAULT_CREDENTIAL}. */
  credentials?: EmulatorCredential | readonly EmulatorCredential[];
  /** Buckets that exist from the start (existing ones in `dataDir` are kept). */
  buckets?: readonly (string | EmulatorBucket)[];
  /**
   * Region (COS: `ap-guangzhou`; OSS without `oss-`: `cn-hangzhou`) or zone
   * (QingStor: `pek3a`) reported for buckets; the default is the one shown.
   */
  region?: string;
  /**
   * Keep buckets, objects and uploads in this directory so a restart keeps them (default: memory).
   * At start, what a crash left there is removed: temp files, and blob files no saved object, part
   * or upload record names (one line on stderr says how many). One emulator at a time per directory.
   */
  dataDir?: string;
  /**
   * Serve HTTPS. `true` generates a self-signed certificate for
   * 127.0.0.1/localhost at start (see {@link Emulator.ca}); or pass your own PEM pair.
   */
  tls?: boolean | { cert: string; key: string };
  /** Fault rules active from the start. */
  faults?: readonly FaultRule[];
  /**
   * Bench mode: bodies are counted, not hashed or kept (no ETag MD5, no CRC,
   * no Content-MD5 check); reads return zeros of the stored length. QingStor bodies are still
   * hashed with MD5 (no bytes kept): its ETags are that MD5, which its clients check.
   */
  discard?: boolean;
  /** Allowed clock difference for signed requests, seconds (default 900). */
  maxSkewSeconds?: number;
  /** Clock in ms since the epoch (default `Date.now`), for tests of expiry. */
  clock?: () => number;
  /**
   * Accept SSE-C headers on requests that did not arrive over TLS (default
   * `false`: they get 400, as from the real services). Set it when a plain-http
   * emulator sits behind an https proxy.
   */
  allowSseCOverHttp?: boolean;
  /**
   * COS only: whether GET and HEAD of an appendable object carry `x-cos-hash-crc64ecma` (default
   * `true`). COS's APPEND answers carry none (the emulator sends none either); whether reads of an
   * appendable object carry one is not documented, so set `false` to test a client in that world.
   */
  cosAppendableCrc64?: boolean;
  /**
   * COS and OSS: milliseconds, by `clock`, from an accepted restore of an archived object (POST
   * `?restore`, answered 202) until the object can be read and copied (default 0: at once). Until
   * then HEAD and GET answer `x-cos-restore` / `x-oss-restore: ongoing-request="true"` and a second
   * restore is 409 `RestoreAlreadyInProgress`; tests that want to see both states give a delay and a
   * `clock` they move on.
   */
  restoreDelayMs?: number;
}

/** The credential used when none is configured. */
export const DEFAULT_CREDENTIAL: EmulatorCredential = { accessKey: "stowage-ak", secretKey: "stowage-sk" };

/** Default region (or zone) per provider. */
export const DEFAULT_REGION: Readonly<Record<Provider, string>> = {
  cos: "ap-guangzhou",
  oss: "cn-hangzhou",
  qingstor: "pek3a",
};
