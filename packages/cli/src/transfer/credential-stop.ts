import type { StorageError } from "@stowage/core";
import { isCredentialRefusal } from "../credential-refusal.js";
import { plural } from "../format.js";

/**
 * Stops a transfer from starting more objects once a service refused the credential itself (an
 * expired or revoked key or token: credential-refusal.ts): every later object would fail the same
 * way, one refused request and one error line each. The credentials of a run are read once, when
 * its locations are opened, and never renewed, so nothing would change until the run ends. Objects
 * in flight go on and end as they do; those not yet started are counted, not attempted.
 */
export class CredentialStop {
  private first: StorageError | undefined;
  private held = 0;

  /** Notes a failure: the first credential refusal stops the objects not started yet. */
  note(e: unknown): void {
    if (this.first === undefined && isCredentialRefusal(e)) this.first = e;
  }

  /** True once the credential was refused: the object about to start is held back (counted). */
  holdBack(): boolean {
    if (this.first === undefined) return false;
    this.held++;
    return true;
  }

  /** The first credential refusal, if any. */
  get refusal(): StorageError | undefined {
    return this.first;
  }

  /** Objects held back. */
  get notAttempted(): number {
    return this.held;
  }

  /**
   * The line that ends the run's output after a credential refusal (undefined without one): what
   * the service said (its code, service and operation), how many objects were not attempted (when
   * some were), and that a re-run with fresh credentials resumes.
   */
  closingLine(command: string): string | undefined {
    const e = this.first;
    if (e === undefined) return undefined;
    const where = [e.service, e.op].filter((v) => v !== undefined).join(" ");
    const held = this.held === 0 ? "" : `${plural(this.held, "object")} not attempted; `;
    return (
      `${command}: the credential was refused (${e.serviceCode ?? e.code}${where === "" ? "" : ` on ${where}`}): ${held}` +
      "re-run with fresh credentials to resume (credentials are read once, when the command starts)"
    );
  }
}
