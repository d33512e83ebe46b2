import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { applyRestore, restoreDays } from "../common/restore-state.js";
import { childText, children, parseXmlBody } from "../common/xml.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { bodyBytes } from "../server/request-body.js";
import { OssCodedError } from "./errors.js";

/**
 * What each OSS archive class takes (RestoreObject and its error pages): Archive 1 to 7 days (EC
 * 0016-00000708) and no tier; ColdArchive 1 to 365 days (EC 0016-00000704) at Expedited, Standard
 * or Bulk; DeepColdArchive 1 to 365 days at Expedited or Standard (ossutil's restore page).
 */
const RULES: Readonly<Record<string, { days: number; daysEc: string; tiers: readonly string[] }>> = {
  Archive: { days: 7, daysEc: "0016-00000708", tiers: [] },
  ColdArchive: { days: 365, daysEc: "0016-00000704", tiers: ["Expedited", "Standard", "Bulk"] },
  DeepColdArchive: { days: 365, daysEc: "0016-00000704", tiers: ["Expedited", "Standard"] },
};

const invalid = (ec: string) => (message: string): OssCodedError => new OssCodedError("InvalidArgument", 400, "InvalidArgument", message, ec);

/**
 * RestoreObject (POST Object?restore). The body is optional (`Days` then 1, as OSS's older page
 * gives a day); `<RestoreRequest><Days>n</Days><JobParameters><Tier>…</Tier></JobParameters></RestoreRequest>`
 * otherwise (`GlacierJobParameters` is refused, EC 0016-00000709; a bad tier EC 0016-00000703, also
 * one the class does not take; days out of the class's range, see {@link RULES}). A tier given for an
 * Archive object is 400 `InvalidArgument` (ossutil's restore tests against OSS expect a 400; the code
 * is an assumption, no EC is documented). An object in no archive class is 400 `OperationNotSupported`
 * (the code OSS's SDKs raise for it; no EC is documented); a restore under way 409
 * `RestoreAlreadyInProgress`, unless it asks a faster tier (ColdArchive, DeepColdArchive: 202, the tier
 * raised; a slower one: 409 with EC 0016-00000715); 202 a restore started, 200 an object restored
 * already (`Days` added to its expiry, at most the class's maximum after it became readable: OSS's
 * RestoreObject page has the durations add up).
 * @throws ProtocolError `NoSuchKey`, `MalformedBody`, `InvalidArgument`, `OperationNotSupported`, `RestoreAlreadyInProgress`
 */
export async function ossRestoreObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  // A missing key is 404 before the body is read; the object is looked up again once it is (below).
  ctx.store.object(route.bucket!, route.key!);
  const text = bodyBytes(await ctx.readBody(ex, { store: false, maxBytes: 64 * 1024 })).toString("utf8");
  const doc = text.trim() === "" ? {} : await parseXmlBody(text, "RestoreRequest");
  if (doc["GlacierJobParameters"] !== undefined) throw invalid("0016-00000709")("The RestoreRequest does not take GlacierJobParameters: use JobParameters.");
  const tier = childText(children(doc, "JobParameters")[0], "Tier");
  if (tier !== undefined && !RULES.ColdArchive!.tiers.includes(tier)) throw invalid("0016-00000703")("Tier must be Expedited, Standard or Bulk.");
  // As it is now, not as it was when the request arrived: a restore or a PUT of the key may have
  // replaced it while the body was read. Nothing below waits, so judging and recording are one step.
  const o = ctx.store.object(route.bucket!, route.key!);
  const rules = RULES[o.storageClass];
  if (rules === undefined || o.symlinkTarget !== undefined) {
    throw new OssCodedError("InvalidArgument", 400, "OperationNotSupported", "The operation is not supported for this resource: only Archive, ColdArchive and DeepColdArchive objects are restored.");
  }
  const days = restoreDays(childText(doc, "Days"), rules.days, invalid(rules.daysEc)) ?? 1;
  if (rules.tiers.length === 0 && tier !== undefined) throw invalid("")(`A ${o.storageClass} object is restored with no tier: leave JobParameters out.`);
  const asked = tier ?? "Standard";
  if (rules.tiers.length > 0 && !rules.tiers.includes(asked)) throw invalid("0016-00000703")(`A ${o.storageClass} object is restored at tier ${rules.tiers.join(" or ")}.`);
  return applyRestore(ctx, route.bucket!, o, days, asked, { speedUp: rules.tiers.length > 0, slower: slowerTier, addedUpTo: rules.days });
}

/** OSS's refusal of a slower tier than the one of the restore under way (EC 0016-00000715: the priority may only be raised). */
const slowerTier = (): OssCodedError =>
  new OssCodedError("RestoreAlreadyInProgress", 409, "RestoreAlreadyInProgress", "Object restore is already in progress: its priority can be raised, not lowered.", "0016-00000715");
