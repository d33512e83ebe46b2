import { readFileSync } from "node:fs";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

const PEM_BEGIN = "-----BEGIN";
/** What a certificate in PEM starts with, as OpenSSL reads them (a key or a request is no CA). */
const CERT_BEGIN = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/;

/**
 * Checks a `tls_ca` value: a PEM certificate, or the absolute path of a file holding one.
 * Returns an error message for the pair validator, `undefined` when the value is acceptable.
 *
 * @throws nothing.
 */
export function checkTlsCa(value: unknown): string | undefined {
  if (typeof value === "string" && value.startsWith("/")) return undefined;
  if (typeof value === "string" && value.includes(PEM_BEGIN)) return CERT_BEGIN.test(value) ? undefined : "holds no certificate (-----BEGIN CERTIFICATE-----...)";
  return "must be a PEM certificate (-----BEGIN CERTIFICATE-----...) or the absolute path of a PEM file";
}

/**
 * The PEM text of a `tls_ca` value: the value itself when it holds a certificate, else the
 * contents of the file it names, read once, when the storager or servicer is opened (the
 * emulator's `--tls` prints such a path).
 *
 * @throws StorageError `InvalidArgument` when the file cannot be read or holds no PEM certificate.
 */
export function tlsCaPem(value: string): string {
  if (value.includes(PEM_BEGIN)) return value;
  let text: string;
  try {
    text = readFileSync(value, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw storageError(ErrorCode.InvalidArgument, `tls_ca: cannot read ${JSON.stringify(value)}${typeof code === "string" ? ` (${code})` : ""}`, { cause: e });
  }
  if (!CERT_BEGIN.test(text)) throw storageError(ErrorCode.InvalidArgument, `tls_ca: ${JSON.stringify(value)} holds no PEM certificate`);
  return text;
}
