import { DEFAULT_CREDENTIAL, type EmulatorCredential } from "../options.js";
import { isLoopbackHost, isWildcardHost } from "../server/host-names.js";

/**
 * The warning `stowage-emulator` prints when it listens on `host` beyond loopback, or undefined for a
 * loopback host. Whoever can reach the port can then use the emulator's data with `credential`
 * (well known when it is the default one) and its admin routes, which have no authentication.
 */
export function exposureWarning(host: string, credential: EmulatorCredential): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const where = isWildcardHost(host) ? `every network interface (--host ${host})` : `${host}, not loopback`;
  const key =
    credential.accessKey === DEFAULT_CREDENTIAL.accessKey && credential.secretKey === DEFAULT_CREDENTIAL.secretKey
      ? "the default credential, which is published"
      : "its credential";
  return (
    `stowage-emulator: warning: listening on ${where}: other machines can reach it, read and change its buckets with ${key}, ` +
    `and install faults through its admin routes, which have no authentication. Leave out --host to listen on 127.0.0.1 only.`
  );
}
