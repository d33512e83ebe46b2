import { storageKey } from "../identity.js";
import type { Location } from "../locations.js";
import { writtenSecretPairs } from "./given-fields.js";

/**
 * The identity of one transfer, which its default checkpoint file is named after (hashed:
 * checkpoint.ts `defaultCheckpointPath`; never printed or stored): the command, and for each side
 * the storage it reaches ({@link storageKey}: service, bucket or store, endpoint, region), its path
 * (`srcPath`, `dstPath`: absolute, a directory ending in `/`) and its SSE-C keys and KMS encryption
 * contexts (given-fields.ts `writtenSecretPairs`). Credentials and security tokens, and the pairs
 * that only tune requests, are left out: a re-run with refreshed keys (a profile's renewed STS token,
 * other `credential=env` variables) finds the checkpoint and resumes. An SSE-C key stays in: a resumed
 * upload would send its remaining parts under the new key, which a service either refuses (the
 * emulator does, as the upload's key must be given with each part) or stores, making one object of
 * parts under two keys that no single key reads; and objects finished under the old key would be
 * skipped. Another key means another file (a fresh start). The other pairs that set what objects get
 * (storage class, SSE modes, `default_*`) are checked inside the file (its `writes` digest).
 * @throws nothing
 */
export function checkpointIdentity(command: string, src: Location, srcPath: string, dst: Location, dstPath: string): string {
  const side = (loc: Location, path: string): unknown[] => [storageKey(loc), path, writtenSecretPairs(loc.query)];
  return JSON.stringify([command, side(src, srcPath), side(dst, dstPath)]);
}
