// A child process of fs-append-processes.spec.ts: takes the append lock of one file as the fs
// driver does (append-lock.ts, in the file's pinned directory), tells its parent "held" over the
// IPC channel, and keeps it until it is killed (or its parent goes). Runs on the sources through
// register-ts.mjs. Arguments: work_dir, file name.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { acquireAppendLock } from "../../src/append-lock.js";
import { FsPaths } from "../../src/paths.js";

const [workDir, name] = process.argv.slice(2);
if (workDir === undefined || name === undefined) throw new Error("usage: lock-holder <work_dir> <name>");
const paths = new FsPaths(workDir);
const dir = await paths.pinDir(paths.root);
await acquireAppendLock(dir, (await stat(join(workDir, name), { bigint: true })).ino);
process.send!("held");
// Held until killed; gone with the parent too.
process.on("disconnect", () => process.exit(0));
