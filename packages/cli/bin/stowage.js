#!/usr/bin/env node
// The `stowage` command: the compiled CLI (dist/bin.js). This file exists before the build, so
// package managers can link the command when a checkout is installed.
import "../dist/bin.js";
