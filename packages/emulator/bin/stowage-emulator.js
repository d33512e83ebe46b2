#!/usr/bin/env node
// The `stowage-emulator` command: the compiled emulator CLI (dist/cli.js). This file exists before
// the build, so package managers can link the command when a checkout is installed.
import "../dist/cli.js";
