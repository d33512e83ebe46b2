import type { ErrorCode, ObjectInfo, Storager } from "@stowage/core";
import { collect, streamToBuffer } from "../fixtures.js";
import { callPath, resolveKey, showKey, type KeyRef } from "./arbitraries.js";
import { attempt, checkStat, expectBytes, expectOutcome, expectSame } from "./checks.js";
import { ModelCommand } from "./model-command.js";
import { entryLine, type StoreModel } from "./store-model.js";

/** The links' own names: a segment no other key has, so a link never meets the model's keys. */
const LINK_SEGMENT = "ln~";

/**
 * A link's whole life in one step, where `features.createLink` (memory, fs, OSS, QingStor with
 * `enable_virtual_link`): `createLink(link, target)` to an object the model holds or to nothing
 * (a dangling link), then `stat` of the link (`mode: "link"`, `linkTarget` the target's absolute
 * path), the prefix listing (the link as a `link` entry beside exactly the model's objects), a
 * read through the link (the target's bytes, or `ObjectNotExist`), `delete` of the link, and the
 * target's stat (unchanged). The link is gone afterwards, so the model holds no links and the
 * listings after the step are checked as after any other. Where links are missing the
 * {@link CapabilityCommand} checks the refusal.
 */
export class LinkCommand extends ModelCommand {
  constructor(
    readonly name: number,
    readonly targetRef: KeyRef,
    readonly via: "read" | "stream",
  ) {
    super();
  }

  protected async apply(model: StoreModel, store: Storager): Promise<boolean> {
    if (!model.features.createLink) return false;
    const link = `${LINK_SEGMENT}${this.name}`;
    let target = resolveKey(model, this.targetRef);
    // A directory target (or a directory path) is another story (fs follows it as a directory): aim past it.
    if (target.endsWith("/") || model.dirExists(target + "/")) target = `${LINK_SEGMENT}missing`;
    const targetPath = callPath(store.info.workDir, this.targetRef, target);
    const obj = model.files.get(target);
    const what = `createLink(${JSON.stringify(link)}, ${JSON.stringify(targetPath)})`;
    const linkTarget = store.info.workDir + target;
    const made = expectOutcome(what, await attempt(what, () => store.createLink(link, targetPath)), undefined);
    expectSame(what, { path: made.path, mode: made.mode, linkTarget: made.linkTarget }, { path: link, mode: "link", linkTarget });

    const statWhat = `${what}, then stat(${JSON.stringify(link)})`;
    const info: ObjectInfo = expectOutcome(statWhat, await attempt(statWhat, () => store.stat(link)), undefined);
    expectSame(statWhat, { path: info.path, mode: info.mode, linkTarget: info.linkTarget }, { path: link, mode: "link", linkTarget });

    const listWhat = `${what}, then list("", prefix)`;
    const listed = await collect(store.list("", { mode: "prefix" }));
    const lines = listed.map((o) => (o.path === link ? `${o.path} ${o.mode}` : entryLine(o))).sort();
    expectSame(listWhat, lines, [...model.prefixListing(""), `${link} link`].sort());

    const readWhat = `${what}, then ${this.via === "stream" ? "createReadStream" : "read"}(${JSON.stringify(link)})`;
    const code: ErrorCode | undefined = obj === undefined ? "ObjectNotExist" : undefined;
    const read = this.via === "stream" ? () => streamToBuffer(store.createReadStream(link)) : () => store.read(link);
    const data = expectOutcome(readWhat, await attempt(readWhat, read), code);
    if (obj !== undefined) expectBytes(readWhat, data, obj.data);

    const deleteWhat = `${what}, then delete(${JSON.stringify(link)})`;
    expectOutcome(deleteWhat, await attempt(deleteWhat, () => store.delete(link)), undefined);
    if (obj !== undefined) {
      const targetWhat = `${deleteWhat}, then stat(${JSON.stringify(targetPath)})`;
      checkStat(model, targetWhat, expectOutcome(targetWhat, await attempt(targetWhat, () => store.stat(targetPath)), undefined), targetPath, obj);
    }
    return true;
  }

  toString(): string {
    return `createLink("${LINK_SEGMENT}${this.name}", ${showKey(this.targetRef)}), stat, list, ${this.via} and delete it`;
  }
}
