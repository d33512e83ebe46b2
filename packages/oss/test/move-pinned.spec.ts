import { expect, it } from "@jest/globals";
import { runMovePinnedSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { proxiedOss } from "./proxied-store.js";

const BUCKET = "move-pin-oss";
const KiB = 1024;

runMovePinnedSuite(() => startEmulator({ provider: "oss", buckets: [BUCKET], credentials: { accessKey: "AK", secretKey: "SK" } }), {
  provider: "oss",
  bucket: BUCKET,
  open: proxiedOss(BUCKET),
  copySource: "x-oss-copy-source",
  linkCheckHead: true,
  multipartCopy: { tuning: { copyThreshold: 300 * KiB, copyPartSize: 200 * KiB }, size: 700 * KiB + 7 },
  more: (ctx) => {
    it("a link replaced by an object after the new link was made is kept: Conflict", async () => {
      const { store, direct } = ctx.pair();
      await direct.write("t", "target");
      await direct.createLink("l", "t");
      ctx.proxy.hook = { match: (req) => req.method === "PUT" && (req.url ?? "").includes("symlink"), run: async () => void (await direct.write("l", "an object now")) };
      await expect(store.move("l", "m")).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining("the source changed during the move") });
      expect((await direct.read("l")).toString()).toBe("an object now");
      expect((await direct.stat("m")).linkTarget).toMatch(/\/t$/);
      await store.move("m", "n");
      expect((await direct.stat("n")).linkTarget).toMatch(/\/t$/);
      await expect(direct.stat("m")).rejects.toMatchObject({ code: "ObjectNotExist" });
    });
  },
});
