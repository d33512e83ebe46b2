import type { ServerResponse } from "node:http";
import { isStorageError } from "@stowage/core";
import type { FaultEngine } from "../faults/fault-engine.js";
import { validateFaultRule, type FaultRule } from "../faults/fault-rule.js";
import { adminRefusal } from "./admin-guard.js";
import type { Exchange } from "./exchange.js";
import type { StatsRecorder } from "./stats.js";

/** Path prefix of the admin API. Bucket names cannot start with `_`, so it never shadows a bucket. */
export const ADMIN_PREFIX = "/_emulator";

function json(res: ServerResponse, status: number, value?: unknown): void {
  if (value === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const body = Buffer.from(JSON.stringify(value, null, 2));
  res.writeHead(status, { "content-type": "application/json", "content-length": String(body.length) });
  res.end(body);
}

async function readJson(ex: Exchange): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of ex.req) {
    size += (c as Buffer).length;
    if (size > 1024 * 1024) throw new Error("body too large");
    chunks.push(c as Buffer);
  }
  ex.bodyRead = true;
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
}

function toRules(value: unknown): FaultRule[] {
  const list = Array.isArray(value) ? value : value === null ? [] : [value];
  return list.map(validateFaultRule);
}

/**
 * The admin API (no authentication; the emulator listens on loopback). Requests from web pages
 * (an `Origin` header) and under a foreign `Host` (DNS rebinding) get 403, see `adminRefusal`;
 * `host` is the host the emulator listens on, `adminHosts` the extra names it answers (lower-case).
 * - `GET /_emulator/stats`, `DELETE /_emulator/stats` (reset counters)
 * - `GET /_emulator/faults` (rules with counters), `PUT` (replace; a rule or an
 *   array), `POST` (append), `DELETE` (clear)
 * - `GET /_emulator/health`
 */
export async function handleAdmin(ex: Exchange, res: ServerResponse, faults: FaultEngine, stats: StatsRecorder, host: string, adminHosts: readonly string[]): Promise<void> {
  const refusal = adminRefusal(ex.req.headers, host, adminHosts);
  if (refusal !== undefined) return json(res, 403, { error: refusal });
  const what = ex.rawPath.slice(ADMIN_PREFIX.length).replace(/\/+$/, "");
  try {
    if (what === "/health" && ex.method === "GET") return json(res, 200, { ok: true });
    if (what === "/stats") {
      if (ex.method === "GET") return json(res, 200, stats.snapshot());
      if (ex.method === "DELETE") {
        stats.reset();
        return json(res, 204);
      }
    }
    if (what === "/faults") {
      if (ex.method === "GET") return json(res, 200, faults.describe());
      if (ex.method === "PUT") {
        faults.set(toRules(await readJson(ex)));
        return json(res, 200, faults.describe());
      }
      if (ex.method === "POST") {
        faults.add(toRules(await readJson(ex)));
        return json(res, 200, faults.describe());
      }
      if (ex.method === "DELETE") {
        faults.set([]);
        return json(res, 204);
      }
    }
    return json(res, 404, { error: `no admin route ${ex.method} ${ex.rawPath}` });
  } catch (e) {
    const message = isStorageError(e) ? e.message : e instanceof Error ? e.message : String(e);
    return json(res, 400, { error: message });
  }
}
