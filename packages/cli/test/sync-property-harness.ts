/**
 * The set-up the tree-transfer property specs (sync-property*.spec.ts) share: a workspace and the
 * COS emulator whose bucket holds every COS side.
 */
import type { Emulator } from "@stowage/emulator";
import { useEmulator } from "./emulators.js";
import { useWorkspace } from "./workspace.js";

/** What the specs share: the emulator (bucket {@link BUCKET}), a temp directory and the CLI's environment. */
export interface Harness {
  readonly emulator: Emulator;
  readonly work: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The emulator bucket every COS side lives in. */
export const BUCKET = "prop-1250000000";

/** The {@link Harness} of a spec file: a workspace named `prefix…` (checkpoints in its `state/`) and the emulator, set up around its tests. */
export function useHarness(prefix: string): Harness {
  const ws = useWorkspace({ prefix, stateDir: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
  return {
    get emulator() {
      return emu.emulator;
    },
    get work() {
      return ws.work;
    },
    get env() {
      return ws.env;
    },
  };
}
