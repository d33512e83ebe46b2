/** A server-side copy or move shows the service's progress as it copies, not only at the end. */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { newStorager, type CopyOptions, type ObjectInfo, type Storager } from "@stowage/core";
import { registerBundledDrivers } from "../src/drivers.js";
import { Locations } from "../src/locations.js";
import { copyObject, type CopyEnv } from "../src/transfer/copy-object.js";
import { TRANSFER_DEFAULTS } from "../src/transfer/settings.js";
import { newStats } from "../src/transfer/stats.js";
import { useWorkspace } from "./workspace.js";

const ws = useWorkspace({ stateDir: true });

beforeAll(async () => {
  registerBundledDrivers();
});

/** `store` whose copy and move first report a third and two thirds of `size`, as a multipart copy does range by range. */
function reportingInSteps(store: Storager, size: number): Storager {
  const steps = (options: CopyOptions | undefined): void => {
    options?.onProgress?.({ bytes: Math.floor(size / 3), total: size });
    options?.onProgress?.({ bytes: Math.floor((2 * size) / 3), total: size });
  };
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === "copy" || name === "move") {
        return async (src: string, dst: string, options?: CopyOptions) => {
          steps(options);
          await target[name](src, dst, options);
        };
      }
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe.each([false, true])("a server-side copy (move: %s)", (move) => {
  it("passes the service's progress to the object's progress", async () => {
    const bucket = `steps-${move ? "mv" : "cp"}`;
    const root = newStorager(`memory://${bucket}/`);
    const size = 3 * 4096;
    await root.write("src/f.bin", Buffer.alloc(size, 1));
    const locations = new Locations({ cwd: ws.work, env: ws.env });
    const endpoint = (arg: string) => locations.dir(locations.parse(arg));
    const e: CopyEnv = {
      src: await endpoint(`memory://${bucket}/src/`),
      dst: await endpoint(`memory://${bucket}/dst/`),
      settings: { ...TRANSFER_DEFAULTS, readConcurrency: 1, bwlimit: undefined, verify: false, serverSide: true, dryRun: false, checkpoint: false, include: [], exclude: [], statsJson: false, copyLinks: false },
      signal: new AbortController().signal,
      stats: newStats(move ? "mv" : "cp", false),
      move,
      shared: { store: reportingInSteps(root, size), aPrefix: "src/", bPrefix: "dst/" },
    };
    const listed: ObjectInfo = await root.stat("src/f.bin");
    // Increases only, as the real object progress keeps them (the driver's last report and the CLI's own may repeat).
    const seen: number[] = [];
    const update = (b: number): void => void (b > (seen.at(-1) ?? -1) && seen.push(b));
    await copyObject(e, { rel: "f.bin", srcPath: "f.bin", dstPath: "f.bin", src: listed, size, reason: "new" }, { update, end: () => undefined });
    expect(seen).toEqual([size / 3, (2 * size) / 3, size]);
    expect((await root.read("dst/f.bin")).equals(Buffer.alloc(size, 1))).toBe(true);
  });
});
