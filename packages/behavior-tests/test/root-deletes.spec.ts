import { randomUUID } from "node:crypto";
import { describe, it } from "@jest/globals";
import "@stowage/memory";
import { newStorager } from "@stowage/core";
import { checkRootDeletes } from "../src/index.js";

describe("memory: the store's root is never deleted", () => {
  it('delete("" | "/", mode dir) and deleteMany(["/"]) at work_dir "/" are InvalidArgument, empty or not', async () => {
    await checkRootDeletes(newStorager(`memory://root-${randomUUID()}/`));
  });
});
