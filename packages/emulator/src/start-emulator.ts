import { join } from "node:path";
import { storageError } from "@stowage/core";
import { PROVIDERS, type Provider } from "./common/operations.js";
import { isValidBucketName } from "./common/path-style.js";
import { createCosFrontEnd } from "./cos/front-end.js";
import { FaultEngine, type FaultRuleStatus } from "./faults/fault-engine.js";
import { validateFaultRule, type FaultRule } from "./faults/fault-rule.js";
import { DEFAULT_CREDENTIAL, DEFAULT_REGION, type EmulatorCredential, type EmulatorOptions } from "./options.js";
import { createOssFrontEnd } from "./oss/front-end.js";
import { createQingStorFrontEnd } from "./qingstor/front-end.js";
import { connectionString } from "./connection-string.js";
import { Dispatcher } from "./server/dispatcher.js";
import type { CredentialEntry, FrontEnd, FrontEndConfig } from "./server/front-end.js";
import { adminHostName } from "./server/host-names.js";
import { listen } from "./server/listen.js";
import { StatsRecorder, type EmulatorStats } from "./server/stats.js";
import { generateCert } from "./server/tls-cert.js";
import { DiscardBlobStore, MemoryBlobStore, type BlobStore } from "./store/blob-store.js";
import { DirBlobStore } from "./store/dir-blob-store.js";
import { DirMetadataSink, NoMetadataSink } from "./store/metadata-sink.js";
import { MultipartStore } from "./store/multipart-store.js";
import { ObjectStore } from "./store/object-store.js";

/** A running emulator. */
export interface Emulator {
  readonly provider: Provider;
  /** `http://127.0.0.1:<port>` (or `https://`). */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  /** Region (or QingStor zone) of buckets created without one. */
  readonly region: string;
  /** The first configured credential (after {@link Emulator.setCredentials}, the first of the new ones). */
  readonly credential: EmulatorCredential;
  /** With `tls: true`: the generated certificate (PEM) to trust as a CA. */
  readonly ca?: string;
  /** Stops listening and closes open connections. Idempotent. */
  stop(): Promise<void>;
  /** Replaces every fault rule (an empty list clears them). @throws StorageError `InvalidArgument` */
  setFaults(rules: readonly FaultRule[]): void;
  /** Adds fault rules after the existing ones. @throws StorageError `InvalidArgument` */
  addFaults(rules: readonly FaultRule[]): void;
  /** The fault rules with how often each matched and fired. */
  faults(): FaultRuleStatus[];
  /** A copy of the request and fault counters. */
  stats(): EmulatorStats;
  /** Zeroes the counters. */
  resetStats(): void;
  /**
   * Replaces the accepted credentials at run time (one pair or a list), e.g. to test a
   * key rotation: requests signed with a key no longer listed then fail like an unknown
   * key (`InvalidAccessKeyId`). Existing objects are kept.
   * @throws StorageError `InvalidArgument` for an empty list or a pair without accessKey/secretKey
   */
  setCredentials(credentials: EmulatorCredential | readonly EmulatorCredential[]): void;
  /**
   * A Stowage connection string for `bucket` on this emulator (first credential; see the exported
   * `connectionString` for `workDir`). With `tls: true` it trusts the generated CA through
   * `tls_ca=<the PEM, percent-encoded>`, so it opens as it is; with `tls: { cert, key }` it has no
   * `tls_ca`: add your CA's PEM or path yourself.
   */
  connectionString(bucket: string, workDir?: string): string;
}

function fail(message: string): never {
  throw storageError("InvalidArgument", message, { service: "emulator", op: "start_emulator" });
}

function frontEndFor(provider: Provider, config: FrontEndConfig): FrontEnd {
  if (provider === "cos") return createCosFrontEnd(config);
  if (provider === "oss") return createOssFrontEnd(config);
  return createQingStorFrontEnd(config);
}

function credentialsOf(given: EmulatorOptions["credentials"]): EmulatorCredential[] {
  const list = given === undefined ? [DEFAULT_CREDENTIAL] : Array.isArray(given) ? [...given] : [given as EmulatorCredential];
  if (list.length === 0) fail("credentials must not be empty");
  for (const c of list) if (!c.accessKey || !c.secretKey) fail("each credential needs accessKey and secretKey");
  return list;
}

/**
 * Starts a COS, OSS or QingStor protocol server on loopback.
 *
 * @example
 * const emu = await startEmulator({ provider: "cos", buckets: ["test-1250000000"] });
 * // ... point an SDK or a connection string at emu.endpoint ...
 * await emu.stop();
 * @throws StorageError `InvalidArgument` for bad options (`opts` itself no object, an unknown `provider`, an `adminHosts` entry that is no host name, ...) or fault rules; the listen error (e.g. EADDRINUSE) wrapped as `Unexpected`
 */
export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  if (opts === null || typeof opts !== "object") fail(`options must be an object ({ provider, buckets?, ... }), got ${opts === null ? "null" : typeof opts}`);
  if (!PROVIDERS.includes(opts.provider)) fail(`provider must be one of ${PROVIDERS.join(", ")}`);
  if (opts.discard && opts.dataDir !== undefined) fail("discard and dataDir cannot be combined");
  if (opts.cosAppendableCrc64 !== undefined && opts.provider !== "cos") fail("cosAppendableCrc64 applies to provider cos only");
  const restoreDelayMs = opts.restoreDelayMs ?? 0;
  if (!Number.isSafeInteger(restoreDelayMs) || restoreDelayMs < 0) fail("restoreDelayMs must be a whole number of milliseconds, 0 or more");
  const host = opts.host ?? "127.0.0.1";
  const adminHosts = (opts.adminHosts ?? []).map((h) => {
    const name = typeof h === "string" ? adminHostName(h) : undefined;
    if (name === undefined) fail(`adminHosts: ${JSON.stringify(h)} is not a host name (letters, digits, "-", "_" in dot-separated labels, or an IP address; no port, scheme or wildcard)`);
    return name;
  });
  const region = opts.region ?? DEFAULT_REGION[opts.provider];
  let creds = credentialsOf(opts.credentials);
  const clock = opts.clock ?? Date.now;
  const faults = new FaultEngine(opts.provider);
  faults.set((opts.faults ?? []).map(validateFaultRule));
  const blobs: BlobStore = opts.discard ? new DiscardBlobStore() : opts.dataDir ? new DirBlobStore(join(opts.dataDir, "blobs")) : new MemoryBlobStore();
  const meta = opts.dataDir ? new DirMetadataSink(join(opts.dataDir, "meta")) : new NoMetadataSink();
  const store = new ObjectStore({ blobs, meta, discard: opts.discard ?? false, clock });
  await store.load();
  for (const b of opts.buckets ?? []) {
    const spec = typeof b === "string" ? { name: b } : b;
    // `_…` paths are the admin routes: such a bucket could never be reached in path style.
    if (typeof spec.name !== "string" || spec.name === "" || spec.name.startsWith("_")) {
      fail(`bucket name ${JSON.stringify(spec.name)} must be non-empty and not start with "_" (the admin routes)`);
    }
    // A name the provider (and so its driver) refuses would give a connection string that does not open.
    if (!isValidBucketName(spec.name, opts.provider)) {
      const rule = opts.provider === "qingstor" ? "6-63" : "3-63";
      fail(`bucket name ${JSON.stringify(spec.name)} is not valid on ${opts.provider}: ${rule} lower-case letters, digits and hyphens, not starting or ending with a hyphen`);
    }
    await store.ensureBucket(spec.name, spec.region ?? region);
  }
  // Front ends look keys up in this Map on every request, so setCredentials refills it in place.
  const accepted = new Map<string, CredentialEntry>(creds.map((c) => [c.accessKey, { ...c }]));
  const config: FrontEndConfig = {
    provider: opts.provider,
    region,
    credentials: accepted,
    discard: opts.discard ?? false,
    maxSkewMs: (opts.maxSkewSeconds ?? 900) * 1000,
    allowSseCOverHttp: opts.allowSseCOverHttp ?? false,
    cosAppendableCrc64: opts.cosAppendableCrc64 ?? true,
    restoreDelayMs,
  };
  const stats = new StatsRecorder();
  const frontEnd = frontEndFor(opts.provider, config);
  const dispatcher = new Dispatcher({ frontEnd, store, multipart: new MultipartStore(store), config, faults, stats, host, adminHosts, clock });
  const generated = opts.tls === true ? generateCert(host) : undefined;
  const tls = generated ?? (typeof opts.tls === "object" ? opts.tls : undefined);
  let listening;
  try {
    listening = await listen(dispatcher.listener, host, opts.port ?? 0, tls);
  } catch (e) {
    const why = (e as { code?: unknown }).code;
    const reason = why === "EADDRINUSE" ? " (EADDRINUSE: the port is taken)" : typeof why === "string" ? ` (${why})` : "";
    throw storageError("Unexpected", `emulator could not listen on ${host}:${opts.port ?? 0}${reason}`, { service: "emulator", op: "start_emulator", cause: e });
  }
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const endpoint = `${tls ? "https" : "http"}://${hostPart}:${listening.port}`;
  const emulator: Emulator = {
    provider: opts.provider,
    endpoint,
    host,
    port: listening.port,
    region,
    get credential(): EmulatorCredential {
      return creds[0]!;
    },
    ca: generated?.ca,
    stop: () => listening.close(),
    setFaults: (rules) => faults.set(rules.map(validateFaultRule)),
    addFaults: (rules) => faults.add(rules.map(validateFaultRule)),
    faults: () => faults.describe(),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    setCredentials: (given) => {
      const next = credentialsOf(given);
      creds = next;
      accepted.clear();
      for (const c of next) accepted.set(c.accessKey, { ...c });
    },
    connectionString: (bucket, workDir) => connectionString({ provider: opts.provider, endpoint, region, credential: creds[0]!, tlsCa: generated?.ca }, bucket, workDir),
  };
  return emulator;
}
