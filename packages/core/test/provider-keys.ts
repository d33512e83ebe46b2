import type { HttpRequest } from "../src/http/http-request.js";
import type { CredentialShape } from "../src/registry/credential-source.js";

/** The credentials the credential-provider tests hand out. */
export interface Keys {
  id: string;
  secret: string;
  expiration?: Date | number;
}

/** Where {@link Keys} keep their key pair. */
export const SHAPE: Pick<CredentialShape<Keys>, "keys"> = { keys: ["id", "secret"] };

/** A plain GET of `/k` on 127.0.0.1:`port`. */
export function request(port: number): HttpRequest {
  return { method: "GET", protocol: "http", host: "127.0.0.1", port, path: "/k", headers: {}, operation: "get_thing" };
}
