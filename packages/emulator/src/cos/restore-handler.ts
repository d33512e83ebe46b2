import type { Route } from "../common/operations.js";
import { ProtocolError } from "../common/protocol-error.js";
import { applyRestore, restoreDays } from "../common/restore-state.js";
import { childText, children, parseXmlBody } from "../common/xml.js";
import type { EmulatorResponse, Exchange } from "../server/exchange.js";
import { header } from "../server/exchange.js";
import type { HandlerContext } from "../server/front-end.js";
import { bodyBytes } from "../server/request-body.js";
import { COS_ATTRIBUTES } from "./object-headers.js";

/**
 * The tiers each COS archive class takes ("POST Object restore": ARCHIVE Expedited, Standard and
 * Bulk; DEEP_ARCHIVE Standard and Bulk).
 */
const TIERS: Readonly<Record<string, readonly string[]>> = { ARCHIVE: ["Expedited", "Standard", "Bulk"], DEEP_ARCHIVE: ["Standard", "Bulk"] };

/** No day limit is documented: this one only keeps the expiry a date. */
const DAYS_MAXIMUM = 1_000_000;

const invalid = (message: string): ProtocolError => new ProtocolError("InvalidArgument", message);

/**
 * POST Object?restore. As COS's page has it: Content-MD5 is required, the body is
 * `<RestoreRequest><Days>n</Days><CASJobParameters><Tier>…</Tier></CASJobParameters></RestoreRequest>`
 * (an older page gives Standard as the tier's default, taken here when it is left out); a missing
 * key is 404 `NoSuchKey`; an object in no archive class is 405 (COS's older page; the code
 * `MethodNotAllowed` is an assumption); a restore under way 409 `RestoreAlreadyInProgress`; 202 a
 * restore started, 200 an object restored already (its expiry set `Days` from now). A bad `Days` or
 * `Tier`, or a tier the class does not take (DEEP_ARCHIVE: Expedited), is 400 `InvalidArgument` (the
 * code COS answers is not documented), a body that is no such document 400 `MalformedXML`.
 * @throws ProtocolError `NoSuchKey`, `MissingContentMd5`, `MalformedBody`, `InvalidArgument`, `MethodNotAllowed`, `RestoreAlreadyInProgress`
 */
export async function cosRestoreObject(ex: Exchange, route: Route, ctx: HandlerContext): Promise<EmulatorResponse> {
  // A missing key is 404 before the body is read; the object is looked up again once it is (below).
  ctx.store.object(route.bucket!, route.key!);
  if (header(ex, "content-md5") === undefined) throw new ProtocolError("MissingContentMd5", "Missing required header for this request: Content-MD5.");
  const doc = await parseXmlBody(bodyBytes(await ctx.readBody(ex, { store: false, maxBytes: 64 * 1024 })).toString("utf8"), "RestoreRequest");
  const days = restoreDays(childText(doc, "Days"), DAYS_MAXIMUM, invalid);
  if (days === undefined) throw new ProtocolError("MalformedBody", "The RestoreRequest must give Days.");
  const tier = childText(children(doc, "CASJobParameters")[0], "Tier") ?? "Standard";
  if (!TIERS.ARCHIVE!.includes(tier)) throw invalid("Tier must be Expedited, Standard or Bulk.");
  // As it is now, not as it was when the request arrived: a restore or a PUT of the key may have
  // replaced it while the body was read. Nothing below waits, so judging and recording are one step.
  const o = ctx.store.object(route.bucket!, route.key!);
  const tiers = TIERS[o.storageClass];
  if (!COS_ATTRIBUTES.archive!.classes.includes(o.storageClass) || tiers === undefined) {
    throw new ProtocolError("MethodNotAllowed", "The operation is not supported for the object's storage class: only ARCHIVE and DEEP_ARCHIVE objects are restored.");
  }
  if (!tiers.includes(tier)) throw invalid(`A ${o.storageClass} object is restored at tier ${tiers.join(" or ")}.`);
  return applyRestore(ctx, route.bucket!, o, days, tier, { speedUp: false });
}
