import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { FaultPlan } from "../faults/fault-engine.js";
import { bodySabotage, bufferStream, resetSocket, streamBody } from "../faults/sabotage.js";
import type { EmulatorResponse } from "./exchange.js";
import type { StatsRecorder } from "./stats.js";

/** Makes a CRC-64 header value wrong (still a valid decimal uint64). */
export function corruptCrc(value: string): string {
  try {
    return (BigInt(value) ^ 0x5a5an).toString();
  } catch {
    return "1";
  }
}

/**
 * Writes `r` to `res`, applying the response-side faults of `plan`
 * (wrong CRC header, flipped byte, truncation, reset).
 */
export async function sendResponse(
  res: ServerResponse,
  r: EmulatorResponse,
  plan: FaultPlan,
  stats: StatsRecorder,
  crc64Header: string | undefined,
): Promise<void> {
  const headers = { ...r.headers };
  if (crc64Header !== undefined && plan.get("wrong-crc64") && headers[crc64Header] !== undefined) {
    headers[crc64Header] = corruptCrc(headers[crc64Header]!);
  }
  const body = r.body;
  const length = Buffer.isBuffer(body) ? body.length : (r.length ?? 0);
  if (r.status !== 204 && r.status !== 304) headers["content-length"] = String(length);
  if (r.headOnly || body === undefined || r.status === 204 || r.status === 304) {
    if (body instanceof Readable) body.destroy();
    const reset = plan.get("reset");
    if (reset) {
      stats.status("reset");
      resetSocket(res.socket);
      return;
    }
    res.writeHead(r.status, headers);
    res.end();
    stats.status(r.status);
    return;
  }
  const sabotage = bodySabotage(plan, length);
  if (sabotage.cut) headers["connection"] = "close";
  res.writeHead(r.status, headers);
  if (sabotage.cut) res.flushHeaders();
  const source = Buffer.isBuffer(body) ? bufferStream(body) : body;
  const sent = await streamBody(res, source, sabotage);
  stats.sent(sent);
  stats.status(sabotage.cut === "reset" ? "reset" : r.status);
}
