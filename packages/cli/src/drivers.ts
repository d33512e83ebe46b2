import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCode, getService, registerService, storageError, type ServiceDefinition } from "@stowage/core";
import { fsService } from "@stowage/fs";
import { memoryService } from "@stowage/memory";

/** Schemes the CLI ships with; every other scheme is imported on demand as `@stowage/<scheme>`. */
export const BUNDLED_SCHEMES: readonly string[] = ["fs", "memory"];

const SCHEME = /^[a-z][a-z0-9+.-]*$/;

/** Registers the bundled drivers (idempotent). */
export function registerBundledDrivers(): void {
  registerService(fsService);
  registerService(memoryService);
}

function isDefinition(value: unknown, type: string): value is ServiceDefinition {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as ServiceDefinition).type === type &&
    typeof (value as ServiceDefinition).newStorageDriver === "function"
  );
}

function isMissingModule(e: unknown, pkg: string): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const message = e instanceof Error ? e.message : "";
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(pkg);
}

/** The entry file of `pkg` in the nearest `node_modules` above `cwd`, if one is installed there. */
function findInstalled(pkg: string, cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const manifest = join(dir, "node_modules", ...pkg.split("/"), "package.json");
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: unknown; main?: string };
      const dot = (json.exports as Record<string, unknown> | undefined)?.["."];
      const entry =
        typeof dot === "string" ? dot : ((dot as { import?: string; default?: string } | undefined)?.import ?? (dot as { default?: string } | undefined)?.default ?? json.main ?? "index.js");
      return join(dirname(manifest), entry);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Makes sure a driver is registered for `type`: bundled schemes are always
 * there; any other is imported as `@stowage/<type>` (from the CLI's own
 * dependencies, else from a `node_modules` above `cwd`). A package that
 * registers into another copy of core is registered here from its exported
 * definition.
 * @throws ServiceNotRegistered when no package provides the scheme; Unexpected when it fails to load.
 */
export async function ensureDriver(type: string, cwd: string = process.cwd()): Promise<void> {
  registerBundledDrivers();
  if (getService(type) !== undefined) return;
  if (!SCHEME.test(type)) {
    throw storageError(ErrorCode.ConnectionStringInvalid, `"${type}" is not a valid scheme`, { op: "open" });
  }
  const pkg = `@stowage/${type}`;
  let loaded: Record<string, unknown> | undefined;
  try {
    loaded = (await import(pkg)) as Record<string, unknown>;
  } catch (e) {
    if (!isMissingModule(e, pkg)) {
      throw storageError(ErrorCode.Unexpected, `loading the driver ${pkg} failed`, { op: "open", service: type, cause: e });
    }
    const entry = findInstalled(pkg, cwd);
    if (entry !== undefined) loaded = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  }
  if (loaded !== undefined && getService(type) === undefined) {
    const definition = Object.values(loaded).find((v) => isDefinition(v, type));
    if (definition !== undefined) registerService(definition as ServiceDefinition);
  }
  if (getService(type) === undefined) {
    const how = loaded === undefined ? `install it: npm install ${pkg}` : `${pkg} did not register "${type}"`;
    throw storageError(ErrorCode.ServiceNotRegistered, `no driver for "${type}://" (the CLI bundles ${BUNDLED_SCHEMES.join(", ")}; ${how})`, {
      op: "open",
      service: type,
    });
  }
}
