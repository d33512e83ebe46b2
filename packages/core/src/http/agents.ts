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

const shared = new Map<string, Agents>();

/**
 * Keep-alive agents (LIFO scheduling, so idle sockets age out) shared by every
 * client with the same options: one process keeps one pool per endpoint set.
 */
export function keepAliveAgents(options: AgentOptions = {}): Agents {
  const key = JSON.stringify([options.maxSockets ?? 64, options.maxFreeSockets ?? 32, options.ca ?? ""]);
  let agents = shared.get(key);
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
    shared.set(key, agents);
  }
  return agents;
}

/** Closes every idle pooled socket (e.g. before a test process exits). In-flight requests are not affected. */
export function closeIdleConnections(): void {
  for (const agents of shared.values()) {
    for (const agent of [agents.http, agents.https]) {
      for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
    }
  }
}
