import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { createSecureContext, rootCertificates } from "node:tls";

/** Connection pool settings of an HTTP client. */
export interface AgentOptions {
  /** Most sockets per host in each pool (default 64): streamed reads, and every other request (see {@link Agents}). */
  maxSockets?: number;
  /** Idle sockets kept per host in each pool (default 32). */
  maxFreeSockets?: number;
  /** PEM certificate(s) to trust in addition to the system's (e.g. an emulator's self-signed CA). */
  ca?: string;
}

/** A pair of keep-alive agents: one pool of connections per host, for http and for https. */
export interface AgentPair {
  http: HttpAgent;
  https: HttpsAgent;
}

/**
 * The pools one client uses: its own pair for every request but streamed reads, and `streamed`,
 * a pair of its own for GETs whose answer is handed to the caller as a stream
 * (`HttpClient.send`). Each holds up to `maxSockets` connections per host. A streamed body
 * that its reader pauses holds its connection for as long; kept apart, such bodies never hold the
 * connections that the uploads feeding on them (a copy: `write(dst, createReadStream(src))`) wait for.
 */
export interface Agents extends AgentPair {
  streamed: AgentPair;
}

/** Idle pooled sockets older than this are closed. */
const IDLE_SOCKET_MS = 30_000;

/**
 * The pairs in use, by options, held weakly: a pair lives while a client holds it or one of its
 * sockets is open (a socket's listeners hold its agent, and each agent its pair), so storagers
 * opened with ever new `max_connections` or `tls_ca` values leave nothing behind once dropped and
 * their idle sockets have closed (after {@link IDLE_SOCKET_MS}). Two pools for the same options
 * never exist at once.
 */
const shared = new Map<string, WeakRef<Agents>>();
const collected = new FinalizationRegistry<string>((key) => {
  if (shared.get(key)?.deref() === undefined) shared.delete(key);
});
/** Where each agent holds its pair. */
const PAIR = Symbol("stowage.agentPair");

/**
 * Keep-alive agents (LIFO scheduling, so idle sockets age out) shared by every
 * client with the same options: one process keeps one set of pools (streamed reads, everything
 * else) per set of options, for as long as a client uses it or it has sockets open.
 * @throws nothing
 */
export function keepAliveAgents(options: AgentOptions = {}): Agents {
  const key = JSON.stringify([options.maxSockets ?? 64, options.maxFreeSockets ?? 32, options.ca ?? ""]);
  let agents = shared.get(key)?.deref();
  if (agents === undefined) {
    const common = {
      keepAlive: true,
      keepAliveMsecs: 1000,
      maxSockets: options.maxSockets ?? 64,
      maxFreeSockets: options.maxFreeSockets ?? 32,
      // Idle pooled sockets are closed well before servers' usual keep-alive limits (60–75 s),
      // so a request rarely lands on a socket the server is closing.
      timeout: IDLE_SOCKET_MS,
      scheduling: "lifo" as const,
    };
    // One TLS context for every connection of these pools: given `ca`, each new connection would
    // build its own from the ~145 system roots plus it (~21 ms of CPU, native memory until a GC).
    const tls = options.ca === undefined ? {} : { secureContext: createSecureContext({ ca: [...rootCertificates, options.ca] }) };
    const pair = (): AgentPair => ({ http: new HttpAgent(common), https: new HttpsAgent({ ...common, ...tls }) });
    agents = { ...pair(), streamed: pair() };
    for (const agent of everyAgent(agents)) Object.defineProperty(agent, PAIR, { value: agents });
    shared.set(key, new WeakRef(agents));
    collected.register(agents, key);
  }
  return agents;
}

/** How many sets of agents ({@link Agents}, one per set of options) the process holds now. @throws nothing */
export function agentPairCount(): number {
  let n = 0;
  for (const ref of shared.values()) if (ref.deref() !== undefined) n += 1;
  return n;
}

/** Closes every idle pooled socket (e.g. before a test process exits). In-flight requests are not affected. @throws nothing */
export function closeIdleConnections(): void {
  for (const ref of shared.values()) {
    const agents = ref.deref();
    if (agents === undefined) continue;
    for (const agent of everyAgent(agents)) {
      for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
    }
  }
}

/** The four agents of `agents`: its own pair and its streamed pair. */
function everyAgent(agents: Agents): Array<HttpAgent | HttpsAgent> {
  return [agents.http, agents.https, agents.streamed.http, agents.streamed.https];
}
