/**
 * A storage driver opened on a connection string directly, below core's path rules: it writes keys
 * no path addresses (`a\b`, `x//y`, a `dir/` key that holds bytes), as another client would.
 */
import { getService, resolveOpenConfig, type StorageDriver } from "@stowage/core";

/** The driver of the registered service `type` on `connectionString` (the service's package must be imported first). */
export function rawDriver(type: string, connectionString: string): StorageDriver {
  const definition = getService(type);
  if (definition === undefined) throw new Error(`rawDriver: no service "${type}" is registered`);
  const resolved = resolveOpenConfig(definition, connectionString, "storager");
  return definition.newStorageDriver(resolved.config, resolved.defaults);
}
