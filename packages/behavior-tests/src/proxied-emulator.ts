import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll } from "@jest/globals";
import { newStorager, type Storager } from "@stowage/core";
import { startAnswerProxy, type AnswerProxy } from "./answer-proxy.js";

/**
 * The parts of a running emulator (`@stowage/emulator`'s `Emulator`) {@link useProxiedEmulator}
 * uses, typed structurally so behavior-tests need not depend on the emulator.
 */
export interface ProxiedServiceEmulator {
  /** The port it listens on, at 127.0.0.1 (plain HTTP). */
  readonly port: number;
  /** Replaces every fault rule (an empty list clears them). */
  setFaults(rules: readonly object[]): void;
  /** A connection string for `bucket` (and `workDir`) on the emulator. */
  connectionString(bucket: string, workDir?: string): string;
  /** Stops the emulator. */
  stop(): Promise<void>;
}

/** How the driver under test is to send its requests and copy (the HTTP client's and driver's settings). */
export interface ProxiedTransport {
  /** The HTTP client's retries (`maxRetries`, and the delays when it retries). */
  retry: { maxRetries: number; baseDelayMs?: number; maxDelayMs?: number };
  /** The HTTP client's request timeout, in ms (default: the client's). */
  timeoutMs?: number;
  /** The driver's copy tuning: copies above `copyThreshold` go multipart in `copyPartSize` parts. */
  tuning: { copyThreshold?: number; copyPartSize?: number };
}

/** What a driver spec builds its storager under test from (see {@link ProxiedEmulator.stores}). */
export interface ProxiedStoreSettings extends ProxiedTransport {
  /** `http:127.0.0.1:<port>`: the proxy, as an `endpoint` value. */
  endpoint: string;
  /** The storager's work dir, `/<uuid>/`. */
  workDir: string;
}

/** Builds the driver under test with `s` (its client on `s.endpoint`, `s.retry`, `s.timeoutMs`; its driver with `s.tuning`), a storager on `s.workDir`. */
export type OpenProxiedStore = (s: ProxiedStoreSettings) => Storager;

/** The storager under test (through the proxy) and one straight to the emulator, on the same work dir. */
export interface ProxiedStores {
  store: Storager;
  direct: Storager;
}

/** An emulator with an {@link AnswerProxy} in front of it, for the cases of one jest file (set in `beforeAll`). */
export interface ProxiedEmulator<E extends ProxiedServiceEmulator> {
  readonly emulator: E;
  readonly proxy: AnswerProxy;
  /**
   * A fresh work dir `/<uuid>/` of the bucket: `open` builds the driver under test through the
   * proxy there with `transport`, `direct` is a storager on it straight to the emulator (for setup and checks).
   */
  stores(open: OpenProxiedStore, transport: ProxiedTransport): ProxiedStores;
}

/** Options of {@link useProxiedEmulator}. */
export interface ProxiedEmulatorOptions {
  /** The bucket the emulator was started with, for {@link ProxiedEmulator.stores}'s `direct`. */
  bucket: string;
  /** Sees every request once its answer has arrived at the proxy (before the hook). */
  observe?: (req: IncomingMessage) => void;
  /** Runs after each case, after the hook and the emulator's faults were cleared. */
  reset?: () => void;
}

/**
 * Registers jest hooks that start the provider's emulator (`setup`, in `beforeAll`) with an
 * {@link AnswerProxy} in front of it, stop both in `afterAll`, and after each case disarm the
 * proxy's hook and clear the emulator's faults. The returned object reads the running pair.
 * @throws nothing itself; its getters throw a plain Error when read before `beforeAll` ran.
 */
export function useProxiedEmulator<E extends ProxiedServiceEmulator>(setup: () => Promise<E>, o: ProxiedEmulatorOptions): ProxiedEmulator<E> {
  let target: { emulator: E; proxy: AnswerProxy } | undefined;
  const t = (): { emulator: E; proxy: AnswerProxy } => {
    if (target === undefined) throw new Error("the proxied emulator's setup did not run");
    return target;
  };

  beforeAll(async () => {
    const emulator = await setup();
    target = { emulator, proxy: await startAnswerProxy(emulator.port, o.observe) };
  });

  afterAll(async () => {
    await target?.proxy.stop();
    await target?.emulator.stop();
  });

  afterEach(() => {
    if (target === undefined) return;
    target.proxy.hook = undefined;
    target.emulator.setFaults([]);
    o.reset?.();
  });

  return {
    get emulator() {
      return t().emulator;
    },
    get proxy() {
      return t().proxy;
    },
    stores(open, transport) {
      const workDir = `/${randomUUID()}/`;
      const { emulator, proxy } = t();
      return { store: open({ ...transport, endpoint: `http:127.0.0.1:${proxy.port}`, workDir }), direct: newStorager(emulator.connectionString(o.bucket, workDir)) };
    },
  };
}
