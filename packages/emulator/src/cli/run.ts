import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectionString } from "../connection-string.js";
import { startEmulator, type Emulator } from "../start-emulator.js";
import { parseCliArgs, USAGE } from "./args.js";
import { exposureWarning } from "./exposure-warning.js";

/** Where the CLI writes its messages. */
export interface CliOutput {
  /** What the emulator serves (stdout). */
  log(line: string): void;
  /** Warnings (stderr). */
  warn(line: string): void;
}

/** Placeholder bucket names used in the printed connection string when none is configured. */
const EXAMPLE_BUCKET: Record<string, string> = { cos: "example-1250000000", oss: "example-bucket", qingstor: "example-bucket" };

/**
 * Runs `stowage-emulator`: starts the emulator and prints its endpoint and
 * connection strings. Returns the running emulator (undefined for `--help`).
 * @throws StorageError `InvalidArgument` for bad arguments; the start errors of {@link startEmulator}
 */
export async function runCli(argv: readonly string[], out: CliOutput): Promise<Emulator | undefined> {
  const req = parseCliArgs(argv);
  if (req.help) {
    out.log(USAGE);
    return undefined;
  }
  const emu = await startEmulator(req.options);
  out.log(`stowage-emulator: ${emu.provider} listening on ${emu.endpoint} (region ${emu.region})`);
  out.log(`credential: ${emu.credential.accessKey}:${emu.credential.secretKey}`);
  const exposed = exposureWarning(emu.host, emu.credential);
  if (exposed !== undefined) out.warn(exposed);
  // With --tls, the printed strings trust the generated CA through tls_ca, given as the file's path
  // (emu.connectionString gives the PEM itself, too long to read).
  let caFile: string | undefined;
  if (emu.ca !== undefined) {
    // In a directory of its own (mode 0700, unpredictable name): another local user must not be
    // able to place a CA of theirs where the printed strings will look.
    const caDir = await mkdtemp(join(tmpdir(), "stowage-emulator-ca-"));
    caFile = join(caDir, `ca-${emu.port}.pem`);
    await writeFile(caFile, emu.ca, { flag: "wx", mode: 0o600 });
    // Removed when the emulator stops (SIGINT, SIGTERM or stop()).
    const stop = emu.stop.bind(emu);
    emu.stop = async () => {
      await stop();
      await rm(caDir, { recursive: true, force: true });
    };
    out.log(`CA certificate: ${caFile}`);
  }
  const target = { provider: emu.provider, endpoint: emu.endpoint, region: emu.region, credential: emu.credential, tlsCa: caFile };
  const buckets = req.options.buckets?.length ? [...req.options.buckets] : [EXAMPLE_BUCKET[emu.provider]!];
  if (emu.credential.secretKey.includes(":")) {
    // hmac:<ak>:<sk>[:<token>] is split at ':': such a secret would be read as a shorter one and a token.
    out.log("connection string: none printed: a secret key holding ':' cannot be written in a Stowage credential (hmac:<ak>:<sk>[:<token>] is split at ':')");
  } else {
    for (const b of buckets) out.log(`connection string: ${connectionString(target, typeof b === "string" ? b : b.name)}`);
  }
  if (!req.options.buckets?.length) out.log("(no bucket created yet: pass --bucket, or create one through the API)");
  out.log(`admin: ${emu.endpoint}/_emulator/stats  ${emu.endpoint}/_emulator/faults`);
  return emu;
}
