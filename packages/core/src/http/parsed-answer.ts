import { ErrorCode } from "../errors/error-code.js";
import { isStorageError, storageError, type StorageError } from "../errors/storage-error.js";
import type { BufferedResponse } from "./http-response.js";

/** What {@link parsedAnswer} returns: the `validate` hook to send with, and the value it parsed. */
export interface ParsedAnswer<T> {
  /** For `BufferedSendOptions.validate`: the answer's error, or undefined once `parse` took the body. */
  validate: (response: BufferedResponse) => Promise<StorageError | undefined>;
  /**
   * What `parse` made of the accepted answer.
   * @throws StorageError `Unexpected` when no answer was accepted (the send should have thrown).
   */
  value(): T;
}

/**
 * Parses a successful answer inside the HTTP client's retry loop, for answers a 200 does not vouch
 * for (a listing): `errorOf` turns a 200 carrying an error document into that error (the service's
 * code decides whether it is retried), and a body `parse` refuses fails the attempt with
 * `parse`'s StorageError, or a retryable `Unexpected` for any other exception, so it is retried
 * like a 5xx while retries remain and never read as an empty answer.
 * @param operation named in the `Unexpected` error of a body that could not be read
 * @throws nothing itself; `value()` throws as it says.
 */
export function parsedAnswer<T>(
  operation: string,
  errorOf: (response: BufferedResponse) => StorageError | undefined | Promise<StorageError | undefined>,
  parse: (body: Buffer) => T | Promise<T>,
): ParsedAnswer<T> {
  let parsed: { value: T } | undefined;
  return {
    validate: async (response) => {
      const error = await errorOf(response);
      if (error !== undefined) return error;
      try {
        parsed = { value: await parse(response.body) };
        return undefined;
      } catch (e) {
        if (isStorageError(e)) return e;
        return storageError(ErrorCode.Unexpected, `${operation}: the answer could not be read`, { cause: e, retryable: true });
      }
    },
    value: () => {
      if (parsed === undefined) throw storageError(ErrorCode.Unexpected, `${operation}: the answer was not read`);
      return parsed.value;
    },
  };
}
