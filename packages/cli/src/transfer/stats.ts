import { formatBytes, formatDuration, formatRate, plural } from "../format.js";
import { failedCount } from "./delete-report.js";

/**
 * What a cp, mv or sync did: printed as the summary line and by `--stats-json`. A dry run
 * (`dryRun` true) does nothing: what it would copy and delete is counted as planned
 * (`objects.planned`, `objects.plannedDeletes`, `bytes.planned`), and `copied` and `deleted` stay 0.
 */
export interface TransferStats {
  /** The command (`cp`, `mv`, `sync`, `get`, `put`). */
  command: string;
  /** `--dry-run`: nothing was copied or deleted. */
  dryRun: boolean;
  objects: {
    /**
     * Objects the plan said to copy (a dry run: would copy), those refused when planned included:
     * a compare that failed, a destination path through a link, a file where the destination has a directory.
     */
    planned: number;
    copied: number;
    /** Unchanged (sync) or finished by an earlier run. */
    skipped: number;
    /** Fifos, sockets and devices in a local source, left out (not objects; not in `skipped`). */
    special: number;
    /** Extras (`sync --delete`: destination objects the source lacks) the plan said to delete (a dry run: would delete). */
    plannedDeletes: number;
    /** Extras deleted (0 on a dry run). */
    deleted: number;
    /** Copies that failed and extras (`sync --delete`) whose delete failed: each in `failures`. */
    failed: number;
    /**
     * Of `failed`, extras whose delete failed without an answer refusing them (the request failed as
     * a whole, or its answer was lost): they may be gone. Their message says `not confirmed deleted`.
     */
    notConfirmed: number;
    /**
     * Extras (`sync --delete`) never sent for deletion: those after a failed delete, and all of them
     * when a copy failed (then none is deleted); and, in a run that is no dry run, copies never
     * started because a service refused the credential itself, or the destination's file system
     * was full (transfer-stop.ts). Not in `failed`.
     */
    notAttempted: number;
    /** Copies whose checksum (or re-read) was compared and matched. */
    verified: number;
    mismatched: number;
  };
  bytes: {
    planned: number;
    /** Bytes of objects copied, however they moved. */
    copied: number;
    /** Bytes actually streamed to the destination (excludes resumed parts and server-side copies). */
    sent: number;
    /**
     * Bytes of parts a resumed upload found already stored and did not send again; of a resumed
     * download (into a local file), only those of the parts not fetched from the source again.
     */
    resumed: number;
    /** Bytes copied by the service itself. */
    serverSide: number;
  };
  parts: {
    /** Large objects whose upload was resumed from a checkpoint (a download too: it is an upload to the local file). */
    resumedUploads: number;
    /** Parts not sent again because the service held them, verified (of a download: nor fetched again). */
    skipped: number;
  };
  failures: Array<{ path: string; code: string; message: string }>;
  durationMs: number;
}

/** Empty stats for `command`. */
export function newStats(command: string, dryRun: boolean): TransferStats {
  return {
    command,
    dryRun,
    objects: { planned: 0, copied: 0, skipped: 0, special: 0, plannedDeletes: 0, deleted: 0, failed: 0, notConfirmed: 0, notAttempted: 0, verified: 0, mismatched: 0 },
    bytes: { planned: 0, copied: 0, sent: 0, resumed: 0, serverSide: 0 },
    parts: { resumedUploads: 0, skipped: 0 },
    failures: [],
    durationMs: 0,
  };
}

/**
 * The one-line summary printed when a transfer ends (`mv` says what it moved). `resumed` names what
 * a resumed multipart transfer was: an upload to a service, a download to a local file.
 * @throws nothing
 */
export function summaryLine(s: TransferStats, resumed: "upload" | "download" = "upload"): string {
  const o = s.objects;
  const move = s.command === "mv";
  const verb = s.dryRun ? (move ? "would move" : "would copy") : move ? "moved" : "copied";
  // A dry run's failures are copies refused when planned (their bytes are not in `bytes.planned`).
  const parts = [`${s.command}: ${verb} ${plural(s.dryRun ? o.planned - o.failed : o.copied, "object")} (${formatBytes(s.dryRun ? s.bytes.planned : s.bytes.copied)})`];
  if (o.skipped) parts.push(`skipped ${o.skipped}`);
  if (o.special) parts.push(`${plural(o.special, "special file")} left out (fifos, sockets, devices)`);
  // A dry run's extras are held back (not attempted) when a copy would fail, as a real run's are.
  const deletes = s.dryRun ? o.plannedDeletes - o.notAttempted : o.deleted;
  if (deletes > 0) parts.push(`${s.dryRun ? "would delete" : "deleted"} ${deletes}`);
  if (o.failed) parts.push(failedCount(o.failed, o.notConfirmed));
  if (o.notAttempted) parts.push(`not attempted ${o.notAttempted}`);
  if (o.mismatched) parts.push(plural(o.mismatched, "checksum mismatch", "checksum mismatches"));
  if (s.parts.skipped) parts.push(`resumed ${plural(s.parts.resumedUploads, resumed)} (${plural(s.parts.skipped, "part")}, ${formatBytes(s.bytes.resumed)} not re-sent)`);
  // A download counts as not re-sent only parts it did not fetch again (stream-copy.ts): none, when it checked them by fetching them.
  else if (s.parts.resumedUploads) parts.push(`resumed ${plural(s.parts.resumedUploads, resumed)} (${resumed === "download" ? "every part fetched again" : "no stored parts: every part sent"})`);
  if (s.bytes.serverSide) parts.push(`${formatBytes(s.bytes.serverSide)} copied server-side`);
  const moved = s.bytes.sent + s.bytes.serverSide;
  if (!s.dryRun) parts.push(`in ${formatDuration(s.durationMs)}${moved > 0 ? ` (${formatRate(moved, s.durationMs)})` : ""}`);
  return parts.join(", ");
}
