import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { crc64Equal, type ObjectInfo } from "@stowage/core";
import { UsageError } from "../errors.js";
import { shownPath } from "../shown-path.js";
import { CoalescedSaver } from "./coalesced-saver.js";
import { appendLines, writeWhole, type JournalFile } from "./checkpoint-file.js";
import { doneLine, dropLine, endLine, headerLine, progressLine, startLine } from "./checkpoint-journal.js";
import { uploadTable } from "./checkpoint-tables.js";
import { findCheckpointAgain, recordsTransfer, refuseForeign, type FoundCheckpoint } from "./found-checkpoint.js";

/** What identifies a source object's version: a change means its upload cannot be resumed. */
export interface SourceId {
  size: number;
  etag?: string;
  /** lastModified in ms. */
  mtime?: number;
  crc64?: string;
}

/**
 * What the destination object was right after its copy: its size and whatever of ETag and CRC-64
 * the copy learned (from the write's answer or the verifying stat). A later run skips the object
 * only when the destination still shows the same.
 */
export interface DestinationId {
  size: number;
  etag?: string;
  crc64?: string;
}

/**
 * An object finished by an earlier run: the source version it was copied from and, since the
 * destination is recorded too, what the copy left at the destination. Entries written before
 * `destination` existed (no such field) cannot be checked against the destination: the object is
 * copied again.
 */
export type DoneRecord = SourceId & { destination?: DestinationId };

/** A large object's multipart upload in progress. */
export interface UploadRecord {
  multipartId: string;
  /** Part size the upload was started with (a resume must cut the same parts). */
  partSize: number;
  source: SourceId;
  /**
   * Digest of what the flags of the run that started the upload set on the objects written
   * (given-fields.ts `writesDigest`; "" for none): a run with other flags never resumes it (the
   * object would complete with the earlier attributes), only aborts it. Kept with the upload, so
   * that a save of a run with other flags does not make the upload look like one of its own. A
   * record without it (version 1, written by an earlier stowage) takes its file's digest when read.
   */
  writes?: string;
  /** Bytes of parts finished (or found already stored), for progress and tests. */
  bytesDone: number;
  /**
   * True once the upload holds no parts at the destination any more: its Complete was answered
   * (the object is stored) but the object is not recorded done yet (Ctrl-C stopped its `--verify`
   * re-read), or a run found it gone. Such a record is never resumed nor counted as staying at the
   * destination: a rerun checks that the destination holds the source's bytes and then sends
   * nothing (completed-elsewhere.ts `holdsSource`), else it copies the object anew.
   */
  ended?: boolean;
}

/**
 * The state a checkpoint file holds. Locations are stored redacted: a checkpoint never holds
 * secrets. Version 2 (what stowage writes) is a journal of JSON lines, a header then one line per
 * change (checkpoint-journal.ts); version 1, written by an earlier stowage, is this as one JSON
 * text, still read (and rewritten as version 2 by the first save).
 */
export interface CheckpointData {
  version: 1 | 2;
  command: string;
  source: string;
  destination: string;
  /** Digest of what the flags set on every object written (given-fields.ts `writesDigest`); absent when none. */
  writes?: string;
  updated: string;
  /** By destination path (relative to the destination directory). */
  uploads: Record<string, UploadRecord>;
  /**
   * Objects finished by an earlier run, by destination path: a Map (no prototype to inherit a key
   * from; walked by a compaction without enumerating millions of keys up front, as a plain
   * object's for-in or Object.keys does).
   */
  done: Map<string, DoneRecord>;
}

/** Least delay before progress changes are written (upload starts are written at once). */
const FLUSH_DELAY_MS = 100;

/**
 * A write of progress starts no sooner than this × the last write's duration after it, so writing
 * takes at most a tenth of the run's time: an append of the changes is short, but a compaction
 * (the whole state rewritten) is not.
 */
const WRITE_SPACING = 9;

/**
 * The journal is rewritten whole (compacted) once it holds more than twice the lines of the live
 * state plus this many: the file stays within about 2× the live state, and rewrites are rare.
 */
const COMPACT_FLOOR = 10_000;

/** What the journal holds of a live upload: to write only what changed since. */
interface Journaled {
  record: UploadRecord;
  bytesDone: number;
  ended: boolean;
}

/** The identity of a source object for {@link SourceId} comparisons. */
export function sourceIdOf(o: ObjectInfo): SourceId {
  return {
    size: o.size ?? 0,
    ...(o.etag === undefined ? {} : { etag: o.etag }),
    ...(o.lastModified === undefined ? {} : { mtime: o.lastModified.getTime() }),
    ...(o.crc64 === undefined ? {} : { crc64: o.crc64 }),
  };
}

function sameSource(a: SourceId, b: SourceId): boolean {
  const same = <T>(x: T | undefined, y: T | undefined): boolean => x === undefined || y === undefined || x === y;
  return a.size === b.size && same(a.etag, b.etag) && same(a.mtime, b.mtime) && same(a.crc64, b.crc64);
}

/** ETags compared without quotes and case (listings and write answers may quote them differently). */
function etagText(etag: string): string {
  return etag.replace(/"/g, "").toLowerCase();
}

/**
 * Whether `now` (the destination as listed or stat'ed) still is what the copy left (`then`): same
 * size, and the same ETag and CRC-64 wherever both sides know one — at least one of them must be
 * known to both, else nothing ties `now` to the copy and the answer is no.
 */
function sameDestination(then: DestinationId, now: ObjectInfo): boolean {
  if (now.mode === "link" || now.size !== then.size) return false;
  let compared = 0;
  if (then.etag !== undefined && now.etag !== undefined) {
    if (etagText(then.etag) !== etagText(now.etag)) return false;
    compared++;
  }
  if (then.crc64 !== undefined && now.crc64 !== undefined) {
    if (!crc64Equal(then.crc64, now.crc64)) return false;
    compared++;
  }
  return compared > 0;
}

/** Where checkpoints live: `$STOWAGE_STATE_DIR`, else `$XDG_STATE_HOME/stowage`, else `~/.local/state/stowage`. */
export function stateDir(env: NodeJS.ProcessEnv): string {
  if (env["STOWAGE_STATE_DIR"]) return env["STOWAGE_STATE_DIR"];
  const base = env["XDG_STATE_HOME"] || join(env["HOME"] || homedir(), ".local", "state");
  return join(base, "stowage");
}

/** The default checkpoint file of one command, source and destination (a hash: no secrets in the name). */
export function defaultCheckpointPath(env: NodeJS.ProcessEnv, identity: string): string {
  const id = createHash("sha256").update(identity).digest("hex").slice(0, 24);
  return join(stateDir(env), "checkpoints", `${id}.json`);
}

/**
 * The resume state of a cp, mv or sync: multipart uploads in progress (so a
 * re-run hands their ids to core, which resumes from the verified parts) and
 * objects already finished. Kept as a journal (checkpoint-journal.ts): each save appends the
 * changes since the last one, a few lines (a killed process leaves at worst a last line cut short,
 * which a reader ignores); the first save of a run, and a save that finds the journal past twice
 * the live state, rewrite it whole (compact it), streamed through a new temp file renamed into
 * place (checkpoint-file.ts). The temp file is new (O_EXCL, a random name: never a file or symlink
 * someone put there), and the file is mode 0600, the directories the CLI makes for it 0700: it
 * names every object transferred.
 */
export class Checkpoint {
  /** One write at a time, of the state as it is when the write starts (never a queue of texts). */
  private readonly saver = new CoalescedSaver(() => this.save(), { minDelayMs: FLUSH_DELAY_MS, spacing: WRITE_SPACING });
  private removed = false;
  /** The error of the first write that failed: from then on nothing is written ({@link Checkpoint.lost}). */
  private lostBy: Error | undefined;
  /**
   * Told once, with the file system's error, when a write of the file fails and the checkpoint is
   * given up ({@link Checkpoint.lost}); set by the run that uses it (to warn).
   */
  onLost: ((error: Error) => void) | undefined;
  /** Objects finished since the last save began (their lines are not written yet). */
  private readonly doneChanged = new Set<string>();
  /** Uploads started, changed or dropped since the last save began. */
  private readonly uploadChanged = new Set<string>();
  /** What the journal holds of each live upload. */
  private journaled = new Map<string, Journaled>();
  /** The file the last compaction wrote (appends go to it only); undefined until then: the next save compacts. */
  private file: JournalFile | undefined;
  /** Lines the journal holds (header included). */
  private lines = 0;

  private constructor(
    readonly path: string,
    private readonly data: CheckpointData,
    /** True when the file existed, belongs to this source and destination, and records something to resume. */
    readonly resumed: boolean,
    /**
     * Why what is at `path` was not read, when it is not a regular file (`a symbolic link`, `a
     * fifo`...): the run starts over. Undefined when it was read, or nothing is there.
     */
    readonly notRead?: string,
    /**
     * True when the file belongs to this command, source and destination but was written by a run
     * whose flags set other attributes on the objects written (`--content-type`, `--metadata`, a
     * header flag, `--no-guess-content-type`): the run starts over; its uploads are aborted, not resumed.
     */
    readonly writesChanged = false,
    /**
     * Why the regular file at the default `path` is no checkpoint (`not JSON`, `empty (0 bytes)`...:
     * damaged from outside, e.g. a crash of the system, since every save is an append of whole
     * lines or a rename of a whole file), when the run starts over because of it; undefined otherwise. The uploads that file
     * recorded cannot be resumed: the run warns that they may be left at the destination.
     */
    readonly unreadable?: string,
  ) {}

  /**
   * The file system's error (Node's, with its `code`: ENOSPC, EDQUOT, EACCES...) of the first write
   * of the file that failed, once one did; undefined while every write worked. A checkpoint whose
   * write failed is given up: nothing is written any more (what the file holds, if anything, is
   * what an earlier write left), so the run cannot be resumed from it, and the run treats itself as
   * one without a checkpoint (engine.ts, stream-copy.ts). What it records is still kept in memory.
   */
  get lost(): Error | undefined {
    return this.lostBy;
  }

  /**
   * How many multipart uploads are recorded that stay at the destination with their parts for a
   * resume (not those {@link UploadRecord.ended ended}: completed, or found gone).
   */
  get uploadCount(): number {
    return Object.values(this.data.uploads).filter((r) => r.ended !== true).length;
  }

  /** True when nothing is recorded: no upload started, no object finished (nothing to resume from). */
  get empty(): boolean {
    return this.data.done.size === 0 && Object.keys(this.data.uploads).length === 0;
  }

  /**
   * Loads `path` when it matches the command, source and destination; else starts empty. One
   * whose `writes` digest differs starts over too ({@link Checkpoint.writesChanged}). A path
   * that is a symbolic link, a fifo or anything but a regular file is not read (in a shared
   * directory someone else may have planted it): the run starts over, and its first save
   * replaces that entry with the checkpoint file; {@link Checkpoint.notRead} then says what it was.
   * With `named` (a path the user gave: `--checkpoint`), a regular file there that is no
   * checkpoint of this transfer is refused, not replaced (found-checkpoint.ts `refuseForeign`);
   * else it is a fresh start, said by {@link Checkpoint.unreadable} when the file there is no
   * checkpoint at all (not JSON, empty...). With `named`, a directory there is refused too: no
   * save can replace it (a rename onto a directory fails), nor can the run's end remove it.
   * `earlier`, what found-checkpoint.ts `findCheckpoint` said of `path` before (the lock's check),
   * is taken instead of reading the file again when the file is unchanged since.
   * @throws UsageError with `named`, for a file that is no checkpoint of this command, source and
   *   destination, or a directory (nothing written); nothing else (a file that cannot be read is a fresh start)
   */
  static async open(
    path: string,
    meta: { command: string; source: string; destination: string; writes?: string },
    named = false,
    earlier?: FoundCheckpoint,
  ): Promise<Checkpoint> {
    const fresh: CheckpointData = { version: 2, ...meta, updated: new Date().toISOString(), uploads: uploadTable(), done: new Map() };
    const found = await findCheckpointAgain(path, earlier);
    if (named) refuseForeign(meta.command, path, found, meta);
    if (named && found.kind === "not-regular" && found.what === "a directory") {
      throw new UsageError(`${meta.command}: --checkpoint ${shownPath(path)} is a directory: refused, nothing was transferred; name a file (a new one, or this transfer's checkpoint)`);
    }
    if (found.kind === "not-regular") return new Checkpoint(path, fresh, false, found.what);
    // A default checkpoint that is no checkpoint (damaged from outside) is started over, and said ({@link Checkpoint.unreadable}).
    if (found.kind === "foreign") return new Checkpoint(path, fresh, false, undefined, false, found.why);
    if (found.kind === "empty" && !named) return new Checkpoint(path, fresh, false, undefined, false, "empty (0 bytes)");
    if (found.kind !== "checkpoint" || !recordsTransfer(found.data, meta)) return new Checkpoint(path, fresh, false);
    // Looked up by object path: tables without a prototype, well-formed entries only (found-checkpoint.ts).
    const { uploads, done } = found.data;
    // An upload recorded without the digest of its flags (version 1) was started under its file's.
    for (const record of Object.values(uploads)) record.writes ??= found.data.writes ?? "";
    const some = Object.keys(uploads).length + done.size > 0;
    // Objects finished with other attributes are done no more; their uploads are only aborted.
    if (found.data.writes !== meta.writes) return new Checkpoint(path, { ...fresh, uploads }, false, undefined, some);
    return new Checkpoint(path, { ...fresh, uploads, done }, some);
  }

  /** The recorded upload of `key` to go on with: its source unchanged, the upload not {@link UploadRecord.ended ended}. */
  upload(key: string, source: SourceId): UploadRecord | undefined {
    const record = this.data.uploads[key];
    return record !== undefined && !this.stale(record) && record.ended !== true && sameSource(record.source, source) ? record : undefined;
  }

  /**
   * True when the recorded upload of `key` is {@link UploadRecord.ended ended} (completed, or found
   * gone) and its source is unchanged: the destination may already hold the object.
   * @throws nothing
   */
  endedUpload(key: string, source: SourceId): boolean {
    const record = this.data.uploads[key];
    return record !== undefined && !this.stale(record) && record.ended === true && sameSource(record.source, source);
  }

  /**
   * Marks the recorded upload of `key` {@link UploadRecord.ended ended} (its Complete was answered,
   * or it was found gone), written shortly; nothing when none is recorded.
   * @throws nothing
   */
  endUpload(key: string): void {
    const record = this.data.uploads[key];
    if (record === undefined || record.ended === true) return;
    record.ended = true;
    this.uploadChanged.add(key);
    this.schedule();
  }

  /** Any recorded upload of `key`, changed source or not (to abort a stale one). */
  staleUpload(key: string): UploadRecord | undefined {
    return this.data.uploads[key];
  }

  /**
   * Records a new upload and writes the file at once (the id is what a resume needs). Once the
   * checkpoint is {@link Checkpoint.lost lost}, only records it (in memory).
   * @throws the file system's error when this write fails (the checkpoint is then lost)
   */
  async startUpload(key: string, record: UploadRecord): Promise<void> {
    this.data.uploads[key] = { ...record, writes: this.data.writes ?? "" };
    this.uploadChanged.add(key);
    await this.flush();
  }

  /** Records progress of an upload (written shortly). */
  progress(key: string, bytesDone: number): void {
    const record = this.data.uploads[key];
    if (record === undefined || record.ended === true || record.bytesDone >= bytesDone) return;
    record.bytesDone = bytesDone;
    this.uploadChanged.add(key);
    this.schedule();
  }

  /** Forgets an upload (finished, aborted or gone). */
  dropUpload(key: string): void {
    if (this.data.uploads[key] === undefined) return;
    delete this.data.uploads[key];
    this.uploadChanged.add(key);
    this.schedule();
  }

  /** Records that `key` was copied from this source version and what the copy left at the destination. */
  markDone(key: string, source: SourceId, destination: DestinationId): void {
    delete this.data.uploads[key];
    this.data.done.set(key, { ...source, destination });
    this.doneChanged.add(key);
    this.schedule();
  }

  /**
   * True when an earlier run finished `key` from this very source version and the destination
   * (`dst`, as the planner listed or stat'ed it) still is what that copy left there. An entry
   * without a recorded destination (a checkpoint written by an older stowage) is never done.
   */
  isDone(key: string, source: SourceId, dst: ObjectInfo | undefined): boolean {
    const done = this.data.done.get(key);
    if (done === undefined || dst === undefined || done.destination === undefined) return false;
    const { destination, ...from } = done;
    return sameSource(from, source) && sameDestination(destination, dst);
  }

  /**
   * Writes the state now: resolves once a write that started after this call has ended (one
   * running is waited for first); at once, writing nothing, once the checkpoint is
   * {@link Checkpoint.lost lost}.
   * @throws the file system's error (Node's, with its `code`) when the file cannot be written (the
   *   checkpoint is then lost)
   */
  async flush(): Promise<void> {
    await this.saver.flush();
  }

  /** Deletes the file (the command finished cleanly). */
  async remove(): Promise<void> {
    this.removed = true;
    await this.saver.stop();
    await rm(this.path, { force: true });
  }

  /**
   * True when `record` was started by a run whose flags set other attributes on the objects
   * written ({@link UploadRecord.writes}): never resumed, only aborted by the copy that replaces it.
   * @throws nothing
   */
  private stale(record: UploadRecord): boolean {
    return (record.writes ?? "") !== (this.data.writes ?? "");
  }

  private schedule(): void {
    if (!this.removed) this.saver.schedule();
  }

  /**
   * {@link Checkpoint.write}; the first write that fails loses the checkpoint: saving stops,
   * {@link Checkpoint.onLost} is told, and the error is thrown on (to the callers of the write).
   * @throws the file system's error
   */
  private async save(): Promise<void> {
    try {
      await this.write();
    } catch (e) {
      if (this.lostBy === undefined && !this.removed) {
        this.lostBy = e instanceof Error ? e : new Error(String(e));
        // Not waited for: this very write is the one stop() would wait for.
        void this.saver.stop();
        this.onLost?.(this.lostBy);
      }
      throw e;
    }
  }

  /**
   * Appends the changes since the last save to the journal; rewrites it whole instead
   * ({@link Checkpoint.compact}) at the run's first save, when it holds more than twice the lines
   * of the live state (plus {@link COMPACT_FLOOR}), or when the file at the path is not the one
   * the last compaction wrote (gone, replaced).
   */
  private async write(): Promise<void> {
    if (this.removed) return;
    const live = Object.keys(this.data.uploads).length + this.data.done.size;
    if (this.file === undefined || this.lines > 2 * live + COMPACT_FLOOR) return this.compact();
    const lines = this.changes();
    if (lines.length === 0) return;
    if (await appendLines(this.path, this.file, lines)) this.lines += lines.length;
    else await this.compact();
  }

  /**
   * The lines of the changes made since the last save (what the journal holds of an upload is
   * compared with what it is now: only what changed is written), and forgets them.
   */
  private changes(): string[] {
    const { uploads, done } = this.data;
    const lines: string[] = [];
    for (const key of this.doneChanged) {
      const record = done.get(key);
      if (record === undefined) continue;
      // A done line forgets the key's upload too.
      lines.push(doneLine(key, record));
      this.journaled.delete(key);
    }
    for (const key of this.uploadChanged) {
      const now = uploads[key];
      const then = this.journaled.get(key);
      if (now === undefined) {
        if (then !== undefined) lines.push(dropLine(key));
        this.journaled.delete(key);
        continue;
      }
      if (then === undefined || then.record !== now) lines.push(startLine(key, now));
      else {
        if (then.bytesDone !== now.bytesDone) lines.push(progressLine(key, now.bytesDone));
        if (!then.ended && now.ended === true) lines.push(endLine(key));
      }
      this.journaled.set(key, { record: now, bytesDone: now.bytesDone, ended: now.ended === true });
    }
    this.doneChanged.clear();
    this.uploadChanged.clear();
    return lines;
  }

  /**
   * Rewrites the journal whole: the header, a line per finished object and per upload, streamed
   * in chunks through a new temp file renamed into place (checkpoint-file.ts `writeWhole`). It
   * holds the state as of its start (the uploads copied then, the objects finished by then):
   * changes made while it is written are appended by the next save.
   */
  private async compact(): Promise<void> {
    this.data.updated = new Date().toISOString();
    this.doneChanged.clear();
    this.uploadChanged.clear();
    const uploads = Object.entries(this.data.uploads).map(([key, record]) => [key, record, { ...record }] as const);
    this.journaled = new Map(uploads.map(([key, record, copy]) => [key, { record, bytesDone: copy.bytesDone, ended: copy.ended === true }]));
    this.file = undefined;
    // The done records of keys with an upload (an earlier run finished them, their source changed
    // since), as they are now: one replaced while the rewrite runs must not be written beside its upload.
    const pinned = new Map<string, DoneRecord>();
    for (const [key] of uploads) {
      const record = this.data.done.get(key);
      if (record !== undefined) pinned.set(key, record);
    }
    const lines = this.wholeLines(
      this.data.done.size,
      pinned,
      uploads.map(([key, , copy]) => [key, copy] as const),
    );
    const written = await writeWhole(this.path, lines);
    this.file = written.file;
    this.lines = written.lines;
  }

  /**
   * The lines of the whole state as of the rewrite's start: the header, the finished objects, then
   * the uploads (`uploads`, copied then; the done records of their keys as `pinned` then). Only the
   * `finished` objects done by then are written (a Map
   * keeps new keys at its end, and none is ever deleted, so its first `finished` entries are those):
   * one finished while the rewrite runs is appended by the next save, after the uploads, as its
   * done line forgets its upload. Finished objects come first: a recorded upload of an object an
   * earlier run finished (its source changed since) stays live.
   */
  private *wholeLines(finished: number, pinned: ReadonlyMap<string, DoneRecord>, uploads: ReadonlyArray<readonly [string, UploadRecord]>): Generator<string> {
    const { command, source, destination, writes, updated, done } = this.data;
    yield headerLine({ version: 2, command, source, destination, ...(writes === undefined ? {} : { writes }), updated });
    let left = finished;
    for (const [key, record] of done) {
      if (left-- === 0) break;
      yield doneLine(key, pinned.get(key) ?? record);
    }
    for (const [key, record] of uploads) yield startLine(key, record);
  }
}
