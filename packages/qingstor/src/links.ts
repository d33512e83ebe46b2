import { ErrorCode, isStorageError, storageError } from "@stowage/core";
import { MAX_LINK_HOPS } from "./virtual-link.js";

/** What one step of {@link followLinks} answers for a virtual link: the key to go on with. */
export interface LinkHop {
  readonly follow: string;
}

/** True when a step answered a {@link LinkHop}. @throws nothing */
export function isLinkHop(value: object): value is LinkHop {
  return typeof (value as Partial<LinkHop>).follow === "string";
}

/**
 * Runs `step` on `key`, then on the target of every link it meets, until a step
 * answers something else: that answer. A target that does not exist is
 * `ObjectNotExist` naming the target; more than {@link MAX_LINK_HOPS} links in a
 * row (a loop) is `InvalidArgument`, as the memory driver does.
 * @throws StorageError `ObjectNotExist` (the key, or a link's target), `InvalidArgument` (too many links), and whatever `step` throws
 */
export async function followLinks<T extends object>(key: string, step: (key: string) => Promise<T | LinkHop>): Promise<T> {
  let at = key;
  for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
    let answer: T | LinkHop;
    try {
      answer = await step(at);
    } catch (e) {
      if (hops === 0 || !isStorageError(e, ErrorCode.ObjectNotExist)) throw e;
      const ctx = { statusCode: e.statusCode, ...(e.requestId ? { requestId: e.requestId } : {}), cause: e };
      throw storageError(ErrorCode.ObjectNotExist, `the link's target ${JSON.stringify("/" + at)} does not exist`, ctx);
    }
    if (!isLinkHop(answer)) return answer;
    at = answer.follow;
  }
  throw storageError(ErrorCode.InvalidArgument, `more than ${MAX_LINK_HOPS} links in a row (a loop?)`);
}
