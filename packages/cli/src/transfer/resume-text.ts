import { plural } from "../format.js";
import { sourceIdOf, type Checkpoint } from "./checkpoint.js";
import { DONE_EARLIER, type Plan } from "./planner.js";
import type { TransferSettings } from "./settings.js";

/**
 * What a run takes from its checkpoint (`1 upload to go on with, 3 objects done in an earlier run`;
 * `kind` names a multipart transfer into a local file a download):
 * planned large objects with a recorded upload of the same source, and objects skipped as done
 * before; undefined when it takes nothing (then it does not claim to resume: a sync re-run that
 * only has a failed object left decides by content and times as always).
 * @throws nothing
 */
export function resumeText(plan: Plan, checkpoint: Checkpoint, settings: TransferSettings, kind: "upload" | "download"): string | undefined {
  const uploads = plan.copies.filter((i) => i.refused === undefined && i.size > settings.largeThreshold && checkpoint.upload(i.dstPath, sourceIdOf(i.src)) !== undefined).length;
  const done = plan.skipped.filter((i) => i.reason === DONE_EARLIER).length;
  const what = [...(uploads > 0 ? [`${plural(uploads, kind)} to go on with`] : []), ...(done > 0 ? [`${plural(done, "object")} done in an earlier run`] : [])];
  return what.length === 0 ? undefined : what.join(", ");
}
