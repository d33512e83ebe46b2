/**
 * A parsed `credential` pair.
 * - `hmac:<access_key>:<secret_key>[:<security_token>]` — the secret may contain `:` only if a token follows.
 * - `env` — the driver reads its own environment variables.
 */
export type Credential =
  | { protocol: "hmac"; accessKey: string; secretKey: string; securityToken?: string }
  | { protocol: "env" };
