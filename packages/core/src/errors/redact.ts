/**
 * Removes secrets from text that may end up in an error message or a log line:
 * credentials in connection strings, Authorization headers, query signatures,
 * security tokens and SSE-C keys. Keeps everything else readable.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // credential=hmac:AK:SK (connection strings), credential: "hmac:AK:SK"
  // (also percent-encoded: credential=hmac%3AAK%3ASK)
  [/(credential["']?\s*[=:]\s*["']?)(hmac|apikey|basic|base64|file)(?::|%3a)[^\s&"',}]*/gi, "$1$2:***"],
  // bare hmac:AK:SK, or percent-encoded
  [/\bhmac:[^\s&"',}:]+:[^\s&"',}]+/gi, "hmac:***"],
  [/\bhmac%3a[^\s&"',}]+/gi, "hmac:***"],
  // Authorization: <anything up to end of line or quote>
  [/(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, "$1***"],
  // signature / token / key query parameters and headers
  [
    /((?:q-signature|signature|x-oss-signature|x-cos-security-token|x-oss-security-token|x-qs-security-token|security[-_]?token|sign|access_key_id|q-ak|ossaccesskeyid|accesskeyid|expires_token|x-cos-server-side-encryption-customer-key|x-oss-server-side-encryption-customer-key|x-qs-encryption-customer-key|x-qs-copy-source-encryption-customer-key|x-cos-copy-source-server-side-encryption-customer-key|customer[-_]?key|secret[-_]?key|secretaccesskey|session[-_]?token)["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi,
    "$1***",
  ],
];

/** Returns `text` with every secret we know how to spot replaced by `***`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
