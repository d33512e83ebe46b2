import dns from "node:dns";
import { afterAll, afterEach, beforeAll } from "@jest/globals";
import type { FaultEmulator } from "./fault-context.js";

/** The parts of a running emulator {@link useLoopbackHosts} uses (`@stowage/emulator`'s `Emulator`, typed structurally). */
export type LoopbackHostsEmulator = Pick<FaultEmulator, "setFaults" | "stop">;

/**
 * Registers the jest hooks of a file whose requests go to a provider's real host names (a region's
 * endpoint, a bucket's virtual host) but must reach a local emulator: in `beforeAll`, `dns.lookup`
 * answers 127.0.0.1 for every host `hosts` matches (give it no `g` flag; the real lookup for any
 * other) and `start`
 * starts the emulator; after each case its faults are cleared; in `afterAll` it stops and the real
 * `dns.lookup` is back. The emulator holds a Host that names a region to that region.
 * @throws nothing itself; `start`'s rejection fails the file's cases.
 */
export function useLoopbackHosts(hosts: RegExp, start: () => Promise<LoopbackHostsEmulator>): void {
  const realLookup = dns.lookup;
  /** `dns.lookup` answering 127.0.0.1 for the hosts `hosts` matches, the real lookup for any other host. */
  function loopbackLookup(host: string, options: unknown, callback?: unknown): void {
    const done = (typeof options === "function" ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === "object" && options !== null && (options as { all?: boolean }).all === true;
    if (!hosts.test(host)) return void (realLookup as (...args: unknown[]) => void)(host, options, callback);
    if (all) done(null, [{ address: "127.0.0.1", family: 4 }]);
    else done(null, "127.0.0.1", 4);
  }

  let emulator: LoopbackHostsEmulator | undefined;
  beforeAll(async () => {
    (dns as { lookup: unknown }).lookup = loopbackLookup;
    emulator = await start();
  });
  afterAll(async () => {
    await emulator?.stop();
    (dns as { lookup: unknown }).lookup = realLookup;
  });
  afterEach(() => emulator?.setFaults([]));
}
