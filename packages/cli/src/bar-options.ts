import type cliProgress from "cli-progress";

/**
 * The cli-progress options every bar of the CLI draws with: `format` on `stream`, redrawn 8 times a
 * second on a terminal and every `intervalMs` elsewhere (so a log file gets lines, not a storm of
 * carriage returns), kept on screen once done.
 * @throws nothing
 */
export function barOptions(stream: NodeJS.WritableStream, intervalMs: number, format: string): cliProgress.Options {
  return {
    stream,
    format,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    noTTYOutput: !(stream as { isTTY?: boolean }).isTTY,
    notTTYSchedule: intervalMs,
    fps: 8,
  };
}
