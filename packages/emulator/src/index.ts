// Public surface of @stowage/emulator. Re-exports only.
export * from "./start-emulator.js";
export * from "./options.js";
export * from "./connection-string.js";
export { OPERATIONS, PROVIDERS } from "./common/operations.js";
export type { OperationName, Provider } from "./common/operations.js";
export * from "./faults/fault-rule.js";
export type { FaultRuleStatus } from "./faults/fault-engine.js";
export type { EmulatorStats } from "./server/stats.js";
