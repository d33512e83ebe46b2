import { randomUUID } from "node:crypto";
import "@stowage/memory";
import { newStorager } from "@stowage/core";
import { runBehaviorSuite } from "../src/index.js";

// A named store private to this run, below a fresh work_dir; small multipart
// settings so that the "large" writes (1.5 MiB) go multipart in 6 parts.
const conn = `memory://suite-${randomUUID()}/${randomUUID()}/?multipart_threshold=1MiB&part_size=256KiB`;

runBehaviorSuite("memory", () => newStorager(conn), { largeSize: 1536 * 1024 });
