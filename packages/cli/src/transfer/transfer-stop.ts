import { constants } from "node:os";
import type { StorageError } from "@stowage/core";
import { isCredentialRefusal } from "../credential-refusal.js";
import { plural } from "../format.js";

/** The errno codes of a file system with no room left: no space, or the user's quota used up. */
const FULL_CODES = ["ENOSPC", "EDQUOT"] as const;

/** How a full destination is told apart: the errno code its error carries. */
export type FullCode = (typeof FULL_CODES)[number];

/**
 * `ENOSPC` or `EDQUOT` when `e` says the file system written to has no room left: a StorageError
 * whose `cause` (or its cause's cause) is Node's error with that `code` — as the fs driver maps it,
 * whatever code and message it gives the StorageError — or such a Node error itself. Undefined for
 * anything else.
 * @throws nothing
 */
export function fullCodeOf(e: unknown): FullCode | undefined {
  let at: unknown = e;
  for (let depth = 0; depth < 4 && typeof at === "object" && at !== null; depth++) {
    const code = errnoName(at as NodeJS.ErrnoException);
    if ((FULL_CODES as readonly unknown[]).includes(code)) return code as FullCode;
    at = (at as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The errno name of a Node error: its `code`, or where Node has no name for it (`UNKNOWN`: Node 20
 * names no EDQUOT) the name `os.constants.errno` gives its number.
 */
function errnoName(e: NodeJS.ErrnoException): unknown {
  if (e.code !== "UNKNOWN" || typeof e.errno !== "number") return e.code;
  return Object.entries(constants.errno).find(([, n]) => n === -e.errno!)?.[0] ?? e.code;
}

/** Why a {@link TransferStop} stopped the run: the first such failure. */
type StopReason = { kind: "credential"; error: StorageError } | { kind: "full"; error: unknown; code: FullCode };

/**
 * Stops a transfer from starting more objects once every later object would fail the same way,
 * one failed request and one error line each:
 * - a service refused the credential itself (an expired or revoked key or token:
 *   credential-refusal.ts). The credentials of a run are read once, when its locations are
 *   opened, and never renewed, so nothing would change until the run ends;
 * - the destination's file system is full (`ENOSPC`, or `EDQUOT`: the quota is used up;
 *   {@link fullCodeOf}), as the fs driver reports it for a local destination.
 * Objects in flight go on and end as they do; those not yet started are counted, not attempted.
 */
export class TransferStop {
  private reason: StopReason | undefined;
  private refused: StorageError | undefined;
  private held = 0;

  /**
   * Notes a failure: the first credential refusal, or the first full destination, stops the
   * objects not started yet.
   */
  note(e: unknown): void {
    if (isCredentialRefusal(e)) {
      this.refused ??= e;
      this.reason ??= { kind: "credential", error: e };
      return;
    }
    const code = fullCodeOf(e);
    if (code !== undefined) this.reason ??= { kind: "full", error: e, code };
  }

  /** True once the run is stopped: the object about to start is held back (counted). */
  holdBack(): boolean {
    if (this.reason === undefined) return false;
    this.held++;
    return true;
  }

  /** The first credential refusal, if any (it sets the exit code: 4). */
  get refusal(): StorageError | undefined {
    return this.refused;
  }

  /** Objects held back. */
  get notAttempted(): number {
    return this.held;
  }

  /**
   * The line that ends the run's output once it stopped (undefined when it did not), of what stopped
   * it first. After a credential refusal: what the service said (its code, service and operation),
   * how many objects were not attempted (when some were), and that a re-run with fresh credentials
   * resumes. After a full destination: its errno code (and the service and operation), how many
   * objects were not attempted, and to free space (or raise the quota) before running it again.
   */
  closingLine(command: string): string | undefined {
    const reason = this.reason;
    if (reason === undefined) return undefined;
    const e = reason.error as Partial<StorageError> | undefined;
    const where = [e?.service, e?.op].filter((v) => v !== undefined).join(" ");
    const on = where === "" ? "" : ` on ${where}`;
    const held = this.held === 0 ? "" : `${plural(this.held, "object")} not attempted; `;
    if (reason.kind === "credential") {
      return (
        `${command}: the credential was refused (${reason.error.serviceCode ?? reason.error.code}${on}): ${held}` +
        "re-run with fresh credentials to resume (credentials are read once, when the command starts)"
      );
    }
    const what = reason.code === "EDQUOT" ? "has used up its disk quota" : "is full";
    const free = reason.code === "EDQUOT" ? "free space there or raise the quota" : "free space there";
    return `${command}: the destination's file system ${what} (${reason.code}${on}): ${held}${free} and run the same command again`;
  }
}
