import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { storageError } from "@stowage/core";
import { PROVIDERS, type Provider } from "../common/operations.js";
import type { FaultRule } from "../faults/fault-rule.js";
import type { EmulatorCredential, EmulatorOptions } from "../options.js";
import { adminHostName } from "../server/host-names.js";

/** Usage text of `stowage-emulator`. */
export const USAGE = `Usage: stowage-emulator --provider <cos|oss|qingstor> [options]

Options:
  --provider <name>       protocol to speak: cos, oss or qingstor (required)
  --port <n>              port to listen on (default 9000; 0 picks a free one)
  --host <addr>           interface to listen on (default 127.0.0.1)
  --admin-host <name>     another Host name the admin routes answer, e.g. a compose service (repeatable)
  --bucket <name>         bucket to create at start (repeatable)
  --credential <ak:sk>    accepted access key pair (repeatable; default stowage-ak:stowage-sk)
  --region <id>           region or zone reported for buckets
  --data-dir <dir>        keep data in this directory across restarts (default: memory)
  --tls                   serve HTTPS with a certificate generated at start
  --allow-sse-c-over-http accept SSE-C keys on plain http (e.g. behind an https proxy)
  --discard               bench mode: count bytes, keep none
  --restore-delay <ms>    COS, OSS: milliseconds from an accepted restore until the object reads (default 0)
  --faults <file.json>    fault rules to start with (a rule or an array)
  -h, --help              show this help
`;

/** What the command line asked for. */
export interface CliRequest {
  help: boolean;
  options: EmulatorOptions;
}

function fail(message: string): never {
  throw storageError("InvalidArgument", message, { service: "emulator", op: "cli" });
}

function credential(v: string): EmulatorCredential {
  const at = v.indexOf(":");
  if (at <= 0 || at === v.length - 1) fail(`--credential must be <access_key>:<secret_key>`);
  return { accessKey: v.slice(0, at), secretKey: v.slice(at + 1) };
}

/**
 * Parses `stowage-emulator` arguments.
 * @throws StorageError `InvalidArgument` for unknown or malformed options
 */
export function parseCliArgs(argv: readonly string[]): CliRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        provider: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "admin-host": { type: "string", multiple: true },
        bucket: { type: "string", multiple: true },
        credential: { type: "string", multiple: true },
        region: { type: "string" },
        "data-dir": { type: "string" },
        tls: { type: "boolean" },
        "allow-sse-c-over-http": { type: "boolean" },
        discard: { type: "boolean" },
        "restore-delay": { type: "string" },
        faults: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return { help: true, options: { provider: "cos" } };
  const provider = values.provider as Provider | undefined;
  if (provider === undefined || !PROVIDERS.includes(provider)) fail(`--provider must be one of ${PROVIDERS.join(", ")}`);
  const port = values.port === undefined ? 9000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail("--port must be an integer in 0..65535");
  const adminHosts = values["admin-host"];
  for (const h of adminHosts ?? []) {
    if (adminHostName(h) === undefined) fail(`--admin-host ${JSON.stringify(h)} is not a host name (letters, digits, "-", "_" in dot-separated labels; no port, scheme or wildcard)`);
  }
  const restoreDelayText = values["restore-delay"];
  if (restoreDelayText !== undefined && !/^\d{1,15}$/.test(restoreDelayText)) fail("--restore-delay must be a whole number of milliseconds, 0 or more");
  const restoreDelay = restoreDelayText === undefined ? undefined : Number(restoreDelayText);
  let faults: FaultRule[] | undefined;
  if (values.faults !== undefined) {
    try {
      const parsed = JSON.parse(readFileSync(values.faults, "utf8")) as unknown;
      faults = (Array.isArray(parsed) ? parsed : [parsed]) as FaultRule[];
    } catch (e) {
      fail(`--faults: cannot read ${values.faults}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return {
    help: false,
    options: {
      provider,
      port,
      host: values.host,
      ...(adminHosts === undefined ? {} : { adminHosts }),
      buckets: values.bucket,
      credentials: values.credential?.map(credential),
      region: values.region,
      dataDir: values["data-dir"],
      tls: values.tls ?? false,
      allowSseCOverHttp: values["allow-sse-c-over-http"] ?? false,
      discard: values.discard ?? false,
      ...(restoreDelay === undefined ? {} : { restoreDelayMs: restoreDelay }),
      faults,
    },
  };
}
