import { runModelSuite, workDirConnection } from "@stowage/behavior-tests";
import { newStorager } from "@stowage/core";
import "../src/index.js";

// A private store per run ("memory://" has no name), below a fresh work_dir.
runModelSuite("memory model", () => newStorager(workDirConnection("memory://")));
