/**
 * What names a transfer's default checkpoint (transfer/checkpoint-identity.ts): the storage each
 * side reaches, its path and its SSE-C keys, never its credentials. Locations with other keys,
 * tokens, credential timeouts or tuning pairs give the same identity (a re-run with refreshed
 * temporary keys finds its checkpoint); another bucket, endpoint, region, path or SSE-C key gives
 * another.
 */
import { describe, expect, it } from "@jest/globals";
import { Locations } from "../src/locations.js";
import { checkpointIdentity } from "../src/transfer/checkpoint-identity.js";
import { defaultCheckpointPath } from "../src/transfer/checkpoint.js";

const locations = new Locations({ cwd: "/work", env: { STOWAGE_PROFILE_TMP: "cos://b-1250000000/t/?credential=hmac:AK9:SK9:TOKEN9&location=ap-guangzhou" } });
const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");

/** The identity of `cp -r ./src/ <dst>/`, its destination parsed from `dst`. */
function identityTo(dst: string): string {
  const d = locations.parse(dst);
  const s = locations.parse("./src/");
  return checkpointIdentity("cp", s, s.path, d, d.path);
}

const BASE = "cos://b-1250000000/d/?location=ap-guangzhou&endpoint=https:cos.ap-guangzhou.myqcloud.com";

describe("the identity a default checkpoint is named after", () => {
  it("is the same whatever the credential, token, credential timeout or tuning pairs", () => {
    const same = [
      `${BASE}&credential=hmac:AK1:SK1`,
      `${BASE}&credential=hmac:AK2:SK2:TOKEN2`,
      `${BASE}&credential=hmac:AK3:SK3&security_token=TOKEN3&credential_timeout=10s`,
      `${BASE}&credential=env&max_retries=9&request_timeout=5s&part_size=8388608&multipart_threshold=16777216&concurrency=2&max_connections=4`,
      // The endpoint spelled another way (parsed: protocol, host, port).
      "cos://b-1250000000/d/?location=AP-Guangzhou&endpoint=https://cos.ap-guangzhou.myqcloud.com:443&credential=hmac:AK4:SK4",
    ].map(identityTo);
    expect(new Set(same).size).toBe(1);
    for (const secret of ["AK1", "SK2", "TOKEN2", "TOKEN3", "env"]) expect(same[0]).not.toContain(secret);
  });

  it("changes with the bucket, endpoint, region, path, service or SSE-C key", () => {
    const base = identityTo(`${BASE}&credential=hmac:AK:SK&server_side_encryption_customer_key=${encodeURIComponent(KEY_A)}`);
    const others = [
      `cos://c-1250000000/d/?location=ap-guangzhou&endpoint=https:cos.ap-guangzhou.myqcloud.com&server_side_encryption_customer_key=${encodeURIComponent(KEY_A)}`,
      `cos://b-1250000000/d/?location=ap-guangzhou&endpoint=https:cos.ap-shanghai.myqcloud.com&server_side_encryption_customer_key=${encodeURIComponent(KEY_A)}`,
      `cos://b-1250000000/d/?location=ap-shanghai&endpoint=https:cos.ap-guangzhou.myqcloud.com&server_side_encryption_customer_key=${encodeURIComponent(KEY_A)}`,
      `cos://b-1250000000/e/?location=ap-guangzhou&endpoint=https:cos.ap-guangzhou.myqcloud.com&server_side_encryption_customer_key=${encodeURIComponent(KEY_A)}`,
      `${BASE}&credential=hmac:AK:SK&server_side_encryption_customer_key=${encodeURIComponent(KEY_B)}`,
      `${BASE}&credential=hmac:AK:SK`,
      "oss://b-1250000000/d/?location=ap-guangzhou&endpoint=https:cos.ap-guangzhou.myqcloud.com",
    ].map(identityTo);
    for (const other of others) expect(other).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
  });

  it("a profile with refreshed keys names the same default checkpoint file", () => {
    const again = new Locations({ cwd: "/work", env: { STOWAGE_PROFILE_TMP: "cos://b-1250000000/t/?credential=hmac:AK10:SK10:TOKEN10&location=ap-guangzhou" } });
    const path = (l: Locations): string => {
      const [s, d] = [l.parse("./big.bin"), l.parse("tmp:big.bin")];
      return defaultCheckpointPath({ STOWAGE_STATE_DIR: "/state" }, checkpointIdentity("cp", s, s.path, d, d.path));
    };
    expect(path(again)).toBe(path(locations));
    expect(path(again)).toMatch(/^\/state\/checkpoints\/[0-9a-f]{24}\.json$/);
  });
});
