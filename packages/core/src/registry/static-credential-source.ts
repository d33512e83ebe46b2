import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { hasHeaderUnsafeCharacters } from "./credential-characters.js";
import type { Credential } from "./credential.js";
import { environmentRefusal } from "./environment-refusal.js";
import type { CredentialShape, CredentialSource } from "./credential-source.js";

/** The value of variable `name` in `env`, when it is set and not empty. */
function envValue(name: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const v = name === undefined ? undefined : env[name];
  return v === undefined || v === "" ? undefined : v;
}

/**
 * The access key, secret key and token of the first family of `shape.env` whose two keys are
 * both set (never one family's id with another's secret, nor a token left over from another).
 */
function envFamily(shape: CredentialShape<unknown>, env: NodeJS.ProcessEnv): { accessKey: string; secretKey: string; token: string | undefined } | undefined {
  const families = Math.max(shape.env.accessKey.length, shape.env.secretKey.length);
  for (let i = 0; i < families; i++) {
    const names = [shape.env.accessKey[i], shape.env.secretKey[i], shape.env.securityToken?.[i]];
    const [accessKey, secretKey, token] = names.map((name) => envValue(name, env));
    if (accessKey === undefined || secretKey === undefined) continue;
    const unsafe = [accessKey, secretKey, token].findIndex((v) => v !== undefined && hasHeaderUnsafeCharacters(v));
    if (unsafe >= 0) {
      throw environmentRefusal(
        storageError(
          ErrorCode.InvalidArgument,
          `environment variable ${names[unsafe]!} holds control characters or characters beyond Latin-1, which no request header can carry (a line break read from a file?)`,
        ),
      );
    }
    return { accessKey, secretKey, token };
  }
  return undefined;
}

/**
 * The fixed credentials of a `credential` pair (`hmac:<access_key>:<secret_key>[:<token>]`, or
 * `env`, read through `shape.env`), with an optional `securityToken` (the `security_token`
 * pair) that wins over a token in the credential or the environment.
 * @throws StorageError `PairRequired` when `env` finds no access key or secret key; `InvalidArgument`
 *   when a variable `env` reads holds characters no header can carry (the variable is named, never its value).
 */
export function resolveStaticCredentials<C>(
  credential: Credential,
  shape: CredentialShape<C>,
  securityToken: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): C {
  if (credential.protocol === "env") {
    const found = envFamily(shape as CredentialShape<unknown>, env);
    if (found === undefined) {
      const pairs = shape.env.accessKey.map((id, i) => `${id} and ${shape.env.secretKey[i] ?? "?"}`);
      throw storageError(ErrorCode.PairRequired, `credential=env needs ${pairs.join(", or ")} in the environment`);
    }
    return shape.make(found.accessKey, found.secretKey, securityToken ?? found.token);
  }
  return shape.make(credential.accessKey, credential.secretKey, securityToken ?? credential.securityToken);
}

/**
 * A source handing out the fixed credentials of {@link resolveStaticCredentials}.
 * @throws StorageError `PairRequired` when `env` finds no access key or secret key; `InvalidArgument`
 *   when a variable it reads holds characters no header can carry.
 */
export function staticCredentialSource<C>(
  credential: Credential,
  shape: CredentialShape<C>,
  securityToken: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CredentialSource<C> {
  const fixed = Promise.resolve(resolveStaticCredentials(credential, shape, securityToken, env));
  return { get: () => fixed };
}
