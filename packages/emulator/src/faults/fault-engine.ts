import type { Provider, Route } from "../common/operations.js";
import { checkRuleOnProvider } from "./delete-key-errors.js";
import { checkError200OnProvider } from "./error-200.js";
import type { Fault, FaultKind, FaultRule } from "./fault-rule.js";
import { seededRandom } from "./prng.js";

interface RuleState {
  rule: FaultRule;
  seen: number;
  fired: number;
  random: () => number;
}

/** A fault rule with how often it matched and fired, as `emu.faults()` and the admin route report it. */
export interface FaultRuleStatus {
  rule: FaultRule;
  /** Matching requests seen so far. */
  matched: number;
  /** Times the rule fired. */
  fired: number;
}

/** The faults that fired for one request, with typed accessors. */
export class FaultPlan {
  /** @param faults fired faults in rule order */
  constructor(readonly faults: readonly Fault[]) {}

  /** The first fired fault of `kind`, if any. */
  get<K extends FaultKind>(kind: K): Extract<Fault, { kind: K }> | undefined {
    return this.faults.find((f) => f.kind === kind) as Extract<Fault, { kind: K }> | undefined;
  }

  /** Total delay in ms. */
  get delayMs(): number {
    return this.faults.reduce((n, f) => n + (f.kind === "delay" ? f.ms : 0), 0);
  }

  /** Clock skew in ms. */
  get skewMs(): number {
    return this.faults.reduce((n, f) => n + (f.kind === "clock-skew" ? f.seconds * 1000 : 0), 0);
  }
}

/** An empty plan. */
export const NO_FAULTS = new FaultPlan([]);

function matches(rule: FaultRule, provider: Provider, method: string, route: Route): boolean {
  if (rule.provider !== undefined && rule.provider !== provider) return false;
  if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false;
  if (rule.operation !== undefined) {
    const ops = Array.isArray(rule.operation) ? rule.operation : [rule.operation];
    if (!ops.includes(route.operation)) return false;
  }
  if (rule.bucket !== undefined && rule.bucket !== route.bucket) return false;
  if (rule.key !== undefined && rule.key !== route.key) return false;
  if (rule.keyPrefix !== undefined && !(route.key ?? "").startsWith(rule.keyPrefix)) return false;
  return true;
}

/** Holds the fault rules and decides, per request, which fire. */
export class FaultEngine {
  private states: RuleState[] = [];

  /** @param provider the emulator's provider, when known: rules that can never fire on it are refused */
  constructor(private readonly provider?: Provider) {}

  /**
   * Replaces every rule (counters restart). Nothing changes when one is refused.
   * @throws StorageError `InvalidArgument` for a rule that can never fire on this provider (a `delete-key-errors` on OSS, an `error-200` on operations without such an answer there)
   */
  set(rules: readonly FaultRule[]): void {
    this.check(rules);
    this.states = rules.map((rule) => ({ rule, seen: 0, fired: 0, random: seededRandom(rule.seed ?? 1) }));
  }

  /**
   * Adds rules after the existing ones. Nothing changes when one is refused.
   * @throws StorageError `InvalidArgument` for a rule that can never fire on this provider (a `delete-key-errors` on OSS, an `error-200` on operations without such an answer there)
   */
  add(rules: readonly FaultRule[]): void {
    this.check(rules);
    for (const rule of rules) this.states.push({ rule, seen: 0, fired: 0, random: seededRandom(rule.seed ?? 1) });
  }

  private check(rules: readonly FaultRule[]): void {
    if (this.provider === undefined) return;
    for (const rule of rules) {
      checkRuleOnProvider(rule, this.provider);
      checkError200OnProvider(rule, this.provider);
    }
  }

  /** The rules with their counters. */
  describe(): FaultRuleStatus[] {
    return this.states.map((s) => ({ rule: s.rule, matched: s.seen, fired: s.fired }));
  }

  /**
   * The faults that fire for this request (updates the rules' counters). A rule whose fault
   * `applies` says cannot be applied to it (an `error-200` on an operation without such an
   * answer, a `delete-key-errors` on anything but a batch delete with per-key errors) does not
   * match it: neither `matched` nor `fired` counts it.
   */
  select(provider: Provider, method: string, route: Route, applies: (fault: Fault) => boolean = () => true): FaultPlan {
    const fired: Fault[] = [];
    for (const s of this.states) {
      if (!matches(s.rule, provider, method, route) || !applies(s.rule)) continue;
      s.seen++;
      if (s.seen <= (s.rule.skip ?? 0)) continue;
      if (s.rule.count !== undefined && s.fired >= s.rule.count) continue;
      if (s.rule.probability !== undefined && !(s.random() < s.rule.probability)) continue;
      s.fired++;
      fired.push(s.rule);
    }
    return fired.length === 0 ? NO_FAULTS : new FaultPlan(fired);
  }
}
