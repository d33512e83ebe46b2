/**
 * Which socket error codes are TLS failures no retry cures: every certificate refusal Node and
 * OpenSSL report (untrusted chain, unknown CA, expired, revoked, another host's), and a server that
 * does not speak TLS. Transport failures stay transient.
 */
import { describe, expect, it } from "@jest/globals";
import { isTlsFailureCode, networkError } from "../src/http/network-error.js";

const TLS = [
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_REVOKED",
  "INVALID_CA",
  "HOSTNAME_MISMATCH",
  "CRL_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "EPROTO",
];

describe("isTlsFailureCode", () => {
  it.each(TLS)("%s is a TLS failure, and networkError makes it a non-retryable error", (code) => {
    expect(isTlsFailureCode(code)).toBe(true);
    const e = networkError(Object.assign(new Error("tls"), { code }));
    expect([e.code, e.retryable]).toEqual(["Unexpected", false]);
  });

  it.each(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND"])("%s is not", (code) => {
    expect(isTlsFailureCode(code)).toBe(false);
  });
});
