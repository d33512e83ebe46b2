/**
 * The keep-alive agent pairs (one per set of `max_connections` / `tls_ca` options) are not kept for
 * ever: a pair lives while a client holds it or while one of its sockets is open. Measured after
 * gc() in a child process.
 */
import { describe, expect, it } from "@jest/globals";
import tls from "node:tls";
import { keepAliveAgents } from "../src/http/agents.js";
import { runCompiled } from "./compiled-core.js";

describe("keep-alive agent pairs", () => {
  it("one pair per set of options while it is used", () => {
    const a = keepAliveAgents({ maxSockets: 7 });
    expect(keepAliveAgents({ maxSockets: 7 })).toBe(a);
    expect(keepAliveAgents({ maxSockets: 8 })).not.toBe(a);
  });

  it("with tls_ca, one TLS context is built for the set and shared by every connection of its https pools", () => {
    const { rootCertificates } = tls;
    const a = keepAliveAgents({ maxSockets: 9, ca: rootCertificates[0] });
    const context = (a.https.options as { secureContext?: unknown }).secureContext;
    expect(context).toBeDefined();
    expect((a.streamed.https.options as { secureContext?: unknown }).secureContext).toBe(context);
    // No per-connection list of authorities left for node to build a context from on every connect.
    expect((a.https.options as { ca?: unknown }).ca).toBeUndefined();
  });

  it("pairs nobody holds and without open sockets are let go of; one with an open socket stays the pool for its options", () => {
    const script = [
      'import { request, createServer } from "node:http";',
      'import * as agents from "./http/agents.js";',
      "const tick = () => new Promise((r) => setTimeout(r, 20));",
      "async function gc() { for (let i = 0; i < 6; i++) { globalThis.gc(); await tick(); } }",
      // 200 pairs, as storagers opened with ever new max_connections would make, then dropped.
      "const refs = [];",
      "for (let i = 1; i <= 200; i++) refs.push(new WeakRef(agents.keepAliveAgents({ maxSockets: 1000 + i })));",
      // A pair whose keep-alive socket is still open, though nobody holds the pair itself.
      'const server = createServer((req, res) => res.end("ok"));',
      'await new Promise((r) => server.listen(0, "127.0.0.1", r));',
      "const busy = new WeakRef(agents.keepAliveAgents({ maxSockets: 5 }));",
      "await new Promise((resolve, reject) => {",
      '  const req = request({ host: "127.0.0.1", port: server.address().port, agent: busy.deref().http }, (res) => { res.resume(); res.on("end", resolve); });',
      '  req.on("error", reject); req.end();',
      "});",
      "await tick();",
      "await gc();",
      "const collected = refs.filter((r) => r.deref() === undefined).length;",
      "const keptWhileOpen = busy.deref() !== undefined && agents.keepAliveAgents({ maxSockets: 5 }) === busy.deref();",
      "const countWhileOpen = agents.agentPairCount?.();",
      "agents.closeIdleConnections();",
      "server.close();",
      "await gc();",
      "console.log(JSON.stringify({ collected, keptWhileOpen, countWhileOpen, countAfter: agents.agentPairCount?.() }));",
    ].join("\n");
    const run = runCompiled(script, ["--expose-gc"], 60_000, ["http"]);
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { collected: number; keptWhileOpen: boolean; countWhileOpen: number; countAfter: number };
    expect(result.collected).toBe(200);
    expect(result.keptWhileOpen).toBe(true);
    expect(result.countWhileOpen).toBe(1);
    expect(result.countAfter).toBe(0);
  });
});
