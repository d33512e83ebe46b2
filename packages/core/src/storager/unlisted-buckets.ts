import { isStorageError } from "../errors/storage-error.js";
import { thrownText } from "../errors/thrown-text.js";
import { shownBucketName } from "./bucket-name.js";
import { controlsEscaped, quoted } from "./unlisted-keys.js";

/**
 * The `code` of the process warning core emits when `Servicer.list` leaves out buckets the driver
 * cannot address (see `UnlistedBuckets`), as `STOWAGE_UNLISTED_KEYS` does for object keys.
 */
export const UNLISTED_BUCKETS_WARNING = "STOWAGE_UNLISTED_BUCKETS";

/** Buckets named in a warning; the rest are counted. */
const EXAMPLES = 5;

/**
 * Buckets a servicer's listing left out because the driver cannot address them (a name its rules
 * refuse, one holding `@` or a control character, a location that is no region name: a private
 * deployment may hold such buckets). Gathered over the pages of one listing and reported once by
 * {@link UnlistedBuckets.report}: one such bucket must not end the listing of all the others, nor
 * be left out silently.
 */
export class UnlistedBuckets {
  private readonly found: Array<{ name: string; reason: string }> = [];
  private total = 0;

  /** How many buckets were left out so far. */
  get count(): number {
    return this.total;
  }

  /** Records bucket `name`, left out because of `error` (the refusal of its name or location). @throws nothing */
  add(name: string, error: unknown): void {
    this.total++;
    if (this.found.length < EXAMPLES) this.found.push({ name, reason: controlsEscaped(isStorageError(error) ? `${error.code}: ${error.detail}` : thrownText(error)) });
  }

  /**
   * Emits one process warning (`code` {@link UNLISTED_BUCKETS_WARNING}, type `StowageWarning`) when
   * buckets were left out: the count, the service and up to five of the names (one holding `@` as
   * `***@` and what follows the last `@`), quoted and escaped as JSON (DEL, C1 and bidirectional
   * controls too), each with why (the refusal's message, which may repeat the name: escaped alike). Emits nothing for none.
   * @throws nothing.
   */
  report(service: string): void {
    const count = this.total;
    if (count === 0) return;
    const shown = this.found.map(({ name, reason }) => `${quoted(shownBucketName(name))} (${reason})`).join(", ");
    const more = count > EXAMPLES ? `, and ${count - EXAMPLES} more` : "";
    const one = count === 1;
    process.emitWarning(
      `${count} bucket${one ? "" : "s"} in the ${service} bucket listing not listed: the ${service} driver cannot address ${one ? "it" : "them"} (a name or location it does not take): ${shown}${more}`,
      { code: UNLISTED_BUCKETS_WARNING, type: "StowageWarning" },
    );
  }
}
