import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";

/** Connection pool settings of an HTTP client. */
export interface AgentOptions {
  /** Most sockets per host (default 64). */
  maxSockets?: number;
  /** Idle sockets kept per host (default 32). */
  maxFreeSockets?: number;
  /** PEM certificate(s) to trust in addition to the system's (e.g. an emulator's self-signed CA). */
  ca?: string;
}

/** The pair of keep-alive agents one client uses. */
export interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
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
 * client with the same options: one process keeps one pool per endpoint set, for as long as a
 * client uses it or it has sockets open.
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
    agents = {
      http: new HttpAgent(common),
      https: new HttpsAgent({ ...common, ...(options.ca === undefined ? {} : { ca: [...rootCertificates, options.ca] }) }),
    };
    for (const agent of [agents.http, agents.https]) Object.defineProperty(agent, PAIR, { value: agents });
    shared.set(key, new WeakRef(agents));
    collected.register(agents, key);
  }
  return agents;
}

/** How many agent pairs the process holds now (each a pool per host for one set of options). @throws nothing */
export function agentPairCount(): number {
  let n = 0;
  for (const ref of shared.values()) if (ref.deref() !== undefined) n += 1;
  return n;
}

/** Closes every idle pooled socket (e.g. before a test process exits). In-flight requests are not affected. */
export function closeIdleConnections(): void {
  for (const ref of shared.values()) {
    const agents = ref.deref();
    if (agents === undefined) continue;
    for (const agent of [agents.http, agents.https]) {
      for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
    }
  }
}
