import selfsigned from "selfsigned";
import type { TlsMaterial } from "./listen.js";

/** A generated certificate: the PEM pair plus the certificate to trust (it is its own CA). */
export interface GeneratedCert extends TlsMaterial {
  /** The certificate in PEM; pass it as `ca` to trust the emulator. */
  ca: string;
}

/**
 * Generates a self-signed RSA-2048/SHA-256 certificate for `127.0.0.1`,
 * `::1`, `localhost` and `host`, valid for 30 days.
 */
export function generateCert(host: string): GeneratedCert {
  const altNames: { type: number; value?: string; ip?: string }[] = [
    { type: 2, value: "localhost" },
    { type: 7, ip: "127.0.0.1" },
    { type: 7, ip: "::1" },
  ];
  if (/^[\d.]+$/.test(host) || host.includes(":")) {
    if (host !== "127.0.0.1" && host !== "::1") altNames.push({ type: 7, ip: host });
  } else if (host !== "localhost") {
    altNames.push({ type: 2, value: host });
  }
  const pems = selfsigned.generate([{ name: "commonName", value: "stowage-emulator" }], {
    days: 30,
    keySize: 2048,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private, ca: pems.cert };
}
