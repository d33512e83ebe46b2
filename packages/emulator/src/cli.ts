#!/usr/bin/env node
import { runCli } from "./cli/run.js";

/** Entry point of the `stowage-emulator` command; stops cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const emu = await runCli(process.argv.slice(2), { log: (line) => console.log(line), warn: (line) => console.error(line) });
  if (emu === undefined) return;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`stowage-emulator: ${signal}, stopping`);
    emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((e: unknown) => {
  console.error(`stowage-emulator: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
