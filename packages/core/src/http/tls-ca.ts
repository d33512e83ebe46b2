import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";

const PEM_BEGIN = "-----BEGIN";
/** What a certificate in PEM starts with, as OpenSSL reads them (a key or a request is no CA). */
const CERT_BEGIN = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/g;
/** One whole certificate block, from its BEGIN line to the END line of the same label. */
const CERT_BLOCK = /-----BEGIN ((?:TRUSTED |X509 )?CERTIFICATE)-----[\s\S]*?-----END \1-----/g;

/** What {@link certificatesProblem} says of a PEM text with no certificate block. */
const NO_CERTIFICATE = "holds no certificate (-----BEGIN CERTIFICATE-----...)";

/**
 * What is wrong with the certificates of a PEM text, or `undefined` when it holds at least one and
 * each of its CERTIFICATE blocks parses as an X.509 certificate (`crypto.X509Certificate`): TLS
 * would silently drop one that does not, and then blame the server's certificate. Never quotes the text.
 */
function certificatesProblem(text: string): string | undefined {
  const begins = text.match(CERT_BEGIN)?.length ?? 0;
  if (begins === 0) return NO_CERTIFICATE;
  const blocks = [...text.matchAll(CERT_BLOCK)].map((m) => m[0]);
  if (blocks.length < begins) return "holds a certificate block without its -----END CERTIFICATE----- line (cut short?): give each certificate whole";
  const bad = blocks.findIndex((block) => !parses(block));
  if (bad < 0) return undefined;
  const which = blocks.length === 1 ? "its certificate" : `certificate ${bad + 1} of ${blocks.length}`;
  return `holds a certificate block that does not parse (${which}): a PEM certificate mangled or cut short? give each certificate whole`;
}

/** Whether `block` (one PEM certificate block) parses as an X.509 certificate. */
function parses(block: string): boolean {
  try {
    new X509Certificate(block);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a `tls_ca` value: PEM certificates, or the absolute path of a file holding them (read
 * when the storage opens: see {@link tlsCaPem}). Every CERTIFICATE block of a PEM value must
 * parse as an X.509 certificate. Returns an error message for the pair validator (never quoting
 * the value), `undefined` when the value is acceptable.
 *
 * @throws nothing.
 */
export function checkTlsCa(value: unknown): string | undefined {
  if (typeof value === "string" && value.startsWith("/")) return undefined;
  if (typeof value === "string" && value.includes(PEM_BEGIN)) return certificatesProblem(value);
  return "must be a PEM certificate (-----BEGIN CERTIFICATE-----...) or the absolute path of a PEM file";
}

/**
 * The PEM text of a `tls_ca` value: the value itself when it holds a certificate, else the
 * contents of the file it names, read once, when the storager or servicer is opened (the
 * emulator's `--tls` prints such a path). Every CERTIFICATE block of the file must parse as an
 * X.509 certificate.
 *
 * @throws StorageError `InvalidArgument` when the file cannot be read, holds no PEM certificate,
 *   or holds a certificate block that does not parse (its contents never quoted).
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
  const problem = certificatesProblem(text);
  if (problem !== undefined) throw storageError(ErrorCode.InvalidArgument, `tls_ca: ${JSON.stringify(value)} ${problem === NO_CERTIFICATE ? "holds no PEM certificate" : problem}`);
  return text;
}
