import { newServicer, type Servicer } from "@stowage/core";
import type { FaultEmulator } from "./fault-context.js";

/** A key pair the emulator accepts (`@stowage/emulator`'s `EmulatorCredential`). */
export interface EmulatorKeys {
  readonly accessKey: string;
  readonly secretKey: string;
}

/**
 * The parts of a running emulator (`@stowage/emulator`'s `Emulator`) the servicer suites
 * use, typed structurally so behavior-tests need not depend on the emulator.
 */
export interface ServiceEmulator extends FaultEmulator {
  /** The port it listens on, at 127.0.0.1 (plain HTTP). */
  readonly port: number;
  /** The first credential it accepts. */
  readonly credential: EmulatorKeys;
  /** Request counters: all requests, and by operation. */
  stats(): { readonly requests: number; readonly byOperation: Readonly<Record<string, number>> };
}

/**
 * Opens a servicer of `provider` on the emulator with `keys` (default: its first credential),
 * `pairs` appended to the connection string (e.g. `&location=...`).
 * @throws InvalidArgument, ConnectionStringInvalid (from `newServicer`) for pairs the driver refuses
 */
export function emulatorServicer(provider: string, emulator: ServiceEmulator, pairs = "", keys: EmulatorKeys = emulator.credential): Servicer {
  return newServicer(`${provider}://?credential=hmac:${keys.accessKey}:${keys.secretKey}&endpoint=http:127.0.0.1:${emulator.port}${pairs}`);
}
