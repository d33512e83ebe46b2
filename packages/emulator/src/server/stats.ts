import type { FaultKind } from "../faults/fault-rule.js";

/** Counters of what the emulator served, readable by tests. */
export interface EmulatorStats {
  /** Requests received (admin requests excluded). */
  requests: number;
  /** Requests per operation name (`PutObject`, `UploadPart`...). */
  byOperation: Record<string, number>;
  /**
   * Responses per HTTP status (as a string); reset connections are counted under `"reset"`, and
   * requests dropped unanswered because the client left (mid-body, or during a `delay` fault) under
   * `"dropped"`.
   */
  byStatus: Record<string, number>;
  /** Faults fired, total. */
  faults: number;
  /** Faults fired per kind. */
  faultsByKind: Partial<Record<FaultKind, number>>;
  /** Request body bytes received. */
  bytesReceived: number;
  /** Response body bytes sent. */
  bytesSent: number;
  /**
   * CPU time (µs, user + system) the emulator's process has used since it started; never
   * reset. Two snapshots give the server's cost of what came between (the benchmark uses it).
   */
  cpuMicros: number;
}

/** Mutable counters behind {@link EmulatorStats}. */
export class StatsRecorder {
  private s: EmulatorStats = StatsRecorder.empty();

  private static empty(): EmulatorStats {
    return { requests: 0, byOperation: {}, byStatus: {}, faults: 0, faultsByKind: {}, bytesReceived: 0, bytesSent: 0, cpuMicros: 0 };
  }

  request(): void {
    this.s.requests++;
  }

  operation(name: string): void {
    this.s.byOperation[name] = (this.s.byOperation[name] ?? 0) + 1;
  }

  status(status: number | "reset" | "dropped"): void {
    const k = String(status);
    this.s.byStatus[k] = (this.s.byStatus[k] ?? 0) + 1;
  }

  fault(kind: FaultKind): void {
    this.s.faults++;
    this.s.faultsByKind[kind] = (this.s.faultsByKind[kind] ?? 0) + 1;
  }

  received(n: number): void {
    this.s.bytesReceived += n;
  }

  sent(n: number): void {
    this.s.bytesSent += n;
  }

  /** A deep copy of the counters, with the process's CPU time so far. */
  snapshot(): EmulatorStats {
    const cpu = process.cpuUsage();
    return { ...structuredClone(this.s), cpuMicros: cpu.user + cpu.system };
  }

  reset(): void {
    this.s = StatsRecorder.empty();
  }
}
