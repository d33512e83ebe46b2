import type { ServiceDefinition } from "./service-definition.js";

/**
 * Version of the registry kept on `globalThis`. Raise it (and with it the key) when
 * {@link ServiceDefinition} or the driver contract changes so that a definition registered through
 * one copy of core no longer works in another: copies of different versions then keep apart.
 */
export const SHARED_REGISTRY_VERSION = 1;

/** The `globalThis` key of the registry every copy of core of this version shares. */
export const SHARED_REGISTRY_KEY: unique symbol = Symbol.for(`stowage.registry.v${SHARED_REGISTRY_VERSION}`);

/** What is kept under {@link SHARED_REGISTRY_KEY}. */
export interface SharedRegistry {
  readonly version: number;
  readonly services: Map<string, ServiceDefinition>;
}

/** True for a value of the registry's shape (checked by behaviour: a Map of another realm passes). */
function isSharedRegistry(value: unknown): value is SharedRegistry {
  if (value === null || typeof value !== "object") return false;
  const { version, services } = value as { version?: unknown; services?: unknown };
  if (version !== SHARED_REGISTRY_VERSION || services === null || typeof services !== "object") return false;
  const map = services as Record<string, unknown>;
  return ["get", "set", "delete", "values"].every((name) => typeof map[name] === "function");
}

/**
 * The services map of the process: the one under {@link SHARED_REGISTRY_KEY} on `global` when a
 * copy of core put it there, else a new one stored there. An application and a driver that got
 * different copies of `@stowage/core` (two versions installed side by side) so register into and
 * open from one registry. When the key holds anything else, it is left alone and this copy keeps
 * a registry of its own. Never throws.
 */
export function sharedServices(global: object = globalThis): Map<string, ServiceDefinition> {
  const slot = global as Record<symbol, unknown>;
  const existing = slot[SHARED_REGISTRY_KEY];
  if (isSharedRegistry(existing)) return existing.services;
  const services = new Map<string, ServiceDefinition>();
  if (existing !== undefined) return services;
  const registry: SharedRegistry = Object.freeze({ version: SHARED_REGISTRY_VERSION, services });
  try {
    Object.defineProperty(global, SHARED_REGISTRY_KEY, { value: registry, enumerable: false, writable: false, configurable: false });
  } catch {
    // A frozen or non-extensible global: this copy keeps its own registry.
  }
  return services;
}
